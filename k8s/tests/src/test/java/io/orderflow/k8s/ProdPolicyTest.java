package io.orderflow.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** prod: three NATS nodes with a route to each, R3 streams, two instances of every service, no dev tools. */
class ProdPolicyTest {
  @Test
  void prodFollowsThePolicy() {
    assertThat(ProdPolicy.check(Manifests.overlay("prod"))).isEmpty();
  }

  @Test
  void devIsTheSingleNodeSetupProdIsNot() {
    assertThat(ProdPolicy.check(Manifests.overlay("dev"))).contains(
        "StatefulSet nats: 1 replicas, expected 3",
        "Job orderflow-provision: ORDERFLOW_NATS_REPLICAS is 1, expected 3",
        "Deployment orders: 1 instance(s), expected at least 2",
        "Deployment psp-sim: runs the dev-only image orderflow-devtools");
  }

  @Test
  void aNodeWithoutARouteIsReported() {
    Manifests broken = Manifests.overlay("prod").edited(objects -> CustomResourceSchemaTest.find(objects, "StatefulSet nats")
        .withObject("/spec").put("replicas", 4));
    assertThat(ProdPolicy.check(broken)).containsExactly(
        "StatefulSet nats: 4 replicas, expected 3",
        "StatefulSet nats: cluster routes [nats-0.nats-headless, nats-1.nats-headless, nats-2.nats-headless], expected one per node "
            + "[nats-0.nats-headless, nats-1.nats-headless, nats-2.nats-headless, nats-3.nats-headless]");
  }

  @Test
  void prodWithoutScheduledBackupsIsReported() {
    Manifests suspended = Manifests.overlay("prod").edited(objects -> CustomResourceSchemaTest.find(objects, "CronJob orderflow-backup")
        .withObject("/spec").put("suspend", true));
    assertThat(ProdPolicy.check(suspended)).containsExactly("CronJob orderflow-backup: suspended (prod takes scheduled backups)");
    Manifests none = Manifests.overlay("prod").edited(objects -> objects.removeIf(o -> Manifests.kindAndName(o).equals("CronJob orderflow-backup")));
    assertThat(ProdPolicy.check(none)).containsExactly("no CronJob orderflow-backup (prod takes scheduled backups)");
  }

  @Test
  void nodesThatMayShareAMachineAreReported() {
    Manifests broken = Manifests.overlay("prod").edited(objects -> ((ObjectNode) CustomResourceSchemaTest.find(objects, "StatefulSet nats")
        .at("/spec/template/spec")).remove("affinity"));
    assertThat(ProdPolicy.check(broken)).containsExactly("StatefulSet nats: nodes may share a machine (no required hostname anti-affinity)");
  }
}
