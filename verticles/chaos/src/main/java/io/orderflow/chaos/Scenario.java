package io.orderflow.chaos;

/** A fault scenario: sets up its world in the {@link Run}, injects and heals its fault, then finishes the run. */
interface Scenario {
  String name();

  void run(Run r) throws Exception;

  static Scenario of(String name, Body body) {
    return new Scenario() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void run(Run r) throws Exception {
        body.run(r);
      }
    };
  }

  interface Body {
    void run(Run r) throws Exception;
  }
}
