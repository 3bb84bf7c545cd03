package io.orderflow.launcher.image;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * A pom.xml as written (not Maven's effective model): XPath look-ups, with the few properties the image
 * configuration uses ({@code project.version}, {@code project.basedir}, {@code project.build.directory})
 * resolved. Read without namespaces, so paths are plain element names.
 */
final class Pom {
  private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");

  private final Document doc;
  private final Path basedir;

  private Pom(Document doc, Path basedir) {
    this.doc = doc;
    this.basedir = basedir;
  }

  static Pom parse(String xml, Path basedir) {
    try {
      var factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
      return new Pom(doc, basedir);
    } catch (Exception e) {
      throw new IllegalArgumentException("not a readable pom.xml: " + e.getMessage(), e);
    }
  }

  Path basedir() {
    return basedir;
  }

  /** The project's version, or its parent's when it inherits it. */
  String version() {
    return text("/project/version").or(() -> text("/project/parent/version"))
        .orElseThrow(() -> new IllegalStateException("pom.xml names no version"));
  }

  Optional<String> text(String xpath) {
    return node(xpath).map(n -> resolve(n.getTextContent().strip()));
  }

  List<String> texts(String xpath) {
    List<String> out = new ArrayList<>();
    for (Node n : nodes(xpath)) out.add(resolve(n.getTextContent().strip()));
    return out;
  }

  Optional<Node> node(String xpath) {
    List<Node> found = nodes(xpath);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
  }

  List<Node> nodes(String xpath) {
    try {
      NodeList list = (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, doc, XPathConstants.NODESET);
      List<Node> out = new ArrayList<>();
      for (int i = 0; i < list.getLength(); i++) out.add(list.item(i));
      return out;
    } catch (XPathExpressionException e) {
      throw new IllegalArgumentException("bad XPath " + xpath, e);
    }
  }

  /** The child elements of the node at {@code xpath}, by element name: e.g. Jib's labels. */
  Map<String, String> children(String xpath) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    node(xpath).ifPresent(parent -> {
      NodeList kids = parent.getChildNodes();
      for (int i = 0; i < kids.getLength(); i++) {
        if (kids.item(i) instanceof Element e) out.put(e.getTagName(), resolve(e.getTextContent().strip()));
      }
    });
    return out;
  }

  private String resolve(String text) {
    Matcher m = PROPERTY.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = switch (m.group(1)) {
        case "project.version" -> version();
        case "project.basedir", "basedir" -> basedir.toString();
        case "project.build.directory" -> basedir.resolve("target").toString();
        default -> m.group();
      };
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    return m.appendTail(out).toString();
  }
}
