package org.fluvia.console.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.fluvia.console.RoleService;
import org.fluvia.console.Roles;
import org.fluvia.media.api.Client;
import org.fluvia.media.api.ClientRegistry;
import org.fluvia.media.api.Stream;
import org.fluvia.media.api.StreamKey;
import org.fluvia.media.api.StreamRegistry;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The Web Console page "Fluvia": the node's role and feature bundles, its streams and clients, and
 * forms to switch the role, kick a client and set forward destinations and edge origins.
 */
@Component(service = Servlet.class, property = {
        "felix.webconsole.label=" + ConsolePlugin.LABEL,
        "felix.webconsole.title=Fluvia",
        "felix.webconsole.category=Fluvia"})
public final class ConsolePlugin extends HttpServlet {

    static final String LABEL = "fluvia";
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ConsolePlugin.class);
    /** Set by the Web Console on every request: its root path, e.g. /system/console. */
    private static final String APP_ROOT = "felix.webconsole.appRoot";

    @Reference
    private transient RoleService roles;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile StreamRegistry registry;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile ClientRegistry clientRegistry;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile ConfigurationAdmin configAdmin;

    /** The page's content; the Web Console wraps it in its header, navigation and footer. */
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/html;charset=UTF-8");
        String self = pluginRoot(req);
        String appRoot = appRoot(req);
        PrintWriter w = resp.getWriter();
        String msg = req.getParameter("msg");
        if (msg != null && !msg.isBlank()) {
            w.println("<p class=\"statline ui-state-highlight\">" + Format.html(msg) + "</p>");
        }

        String role = roles.currentRole();
        w.println("<h2>Role: <span id=\"fluvia-role\">" + Format.html(role) + "</span></h2>");
        w.println("<form method=\"post\" action=\"" + Format.html(self) + "\">");
        w.println("<input type=\"hidden\" name=\"action\" value=\"role\">");
        w.println("<label>Switch to <select name=\"role\">");
        for (String r : Roles.names()) {
            w.println("<option" + (r.equals(role) ? " selected" : "") + ">" + Format.html(r) + "</option>");
        }
        w.println("</select></label> <button type=\"submit\">Switch role</button>");
        w.println(" <small>starts the role's feature bundles and stops the others; streams of bundles that stay keep running</small>");
        w.println("</form>");

        w.println("<h3>Feature bundles</h3>");
        w.println("<table class=\"nicetable\"><thead><tr><th>Bundle</th><th>State</th>");
        for (String r : Roles.names()) {
            w.println("<th>" + Format.html(r) + "</th>");
        }
        w.println("</tr></thead><tbody>");
        Map<String, Boolean> features = roles.featureBundles();
        for (String b : Roles.orderedFeatureBundles()) {
            Boolean active = features.get(b);
            String state = active == null ? "not installed" : active ? "active" : "stopped";
            w.print("<tr><td><a href=\"" + Format.html(appRoot + "/bundles/" + b) + "\">" + Format.html(b) + "</a></td><td>"
                    + state + "</td>");
            for (String r : Roles.names()) {
                w.print("<td>" + (Roles.bundles(r).contains(b) ? "&#10003;" : "") + "</td>");
            }
            w.println("</tr>");
        }
        w.println("</tbody></table>");

        streams(w);
        clients(w, self);
        cluster(w, self, appRoot, Roles.FORWARD_FACTORY_PID, "Forward destinations", "destinations",
                "where this origin pushes every stream published in the vhost (SRS vhost.forward.destination)");
        cluster(w, self, appRoot, Roles.EDGE_FACTORY_PID, "Edge origins", "origins",
                "the origins this edge pulls from, in order (SRS vhost.cluster.origin)");
    }

    private void streams(PrintWriter w) {
        w.println("<h3>Streams</h3>");
        StreamRegistry r = registry;
        if (r == null) {
            w.println("<p>No stream registry: the hub (org.fluvia.media.core) is not active.</p>");
            return;
        }
        w.println("<table class=\"nicetable\" id=\"fluvia-streams\"><thead><tr><th>Stream</th><th>Published</th>"
                + "<th>Source</th><th>Readers</th><th>Bytes in</th></tr></thead><tbody>");
        int n = 0;
        for (Stream s : r.streams()) {
            n++;
            w.println("<tr><td>" + Format.html(s.key()) + "</td><td>" + (s.isPublished() ? "yes" : "no") + "</td><td>"
                    + Format.html(Format.source(s)) + "</td><td>" + s.readerCount() + "</td><td>" + s.bytesIn() + "</td></tr>");
        }
        if (n == 0) {
            w.println("<tr><td colspan=\"5\">no streams</td></tr>");
        }
        w.println("</tbody></table>");
    }

    private void clients(PrintWriter w, String self) {
        w.println("<h3>Clients</h3>");
        ClientRegistry r = clientRegistry;
        if (r == null) {
            w.println("<p>No client registry: the hub (org.fluvia.media.core) is not active.</p>");
            return;
        }
        w.println("<table class=\"nicetable\" id=\"fluvia-clients\"><thead><tr><th>Id</th><th>Protocol</th><th>Role</th>"
                + "<th>IP</th><th>Stream</th><th>Bytes in</th><th>Bytes out</th><th></th></tr></thead><tbody>");
        int n = 0;
        for (Client c : r.clients()) {
            n++;
            w.println("<tr><td>" + c.id() + "</td><td>" + Format.html(c.protocol()) + "</td><td>" + Format.role(c)
                    + "</td><td>" + Format.html(c.ip()) + "</td><td>" + Format.html(Format.stream(c)) + "</td><td>"
                    + c.bytesIn() + "</td><td>" + c.bytesOut() + "</td><td><form method=\"post\" action=\""
                    + Format.html(self) + "\" style=\"margin:0\"><input type=\"hidden\" name=\"action\" value=\"kick\">"
                    + "<input type=\"hidden\" name=\"id\" value=\"" + c.id() + "\"><button type=\"submit\">Kick</button>"
                    + "</form></td></tr>");
        }
        if (n == 0) {
            w.println("<tr><td colspan=\"8\">no clients</td></tr>");
        }
        w.println("</tbody></table>");
    }

    /** The factory configurations of forward or edge, and a form to set one vhost's list. */
    private void cluster(PrintWriter w, String self, String appRoot, String factoryPid, String title, String key,
            String help) {
        w.println("<h3>" + Format.html(title) + "</h3>");
        ConfigurationAdmin ca = configAdmin;
        if (ca == null) {
            w.println("<p>No Configuration Admin service.</p>");
            return;
        }
        w.println("<p>" + Format.html(help) + ". Full settings: the <a href=\"" + Format.html(appRoot + "/configMgr")
                + "\">Configuration</a> tab (factory " + Format.html(factoryPid) + ").</p>");
        w.println("<table class=\"nicetable\"><thead><tr><th>vhost</th><th>" + Format.html(key)
                + "</th><th>configuration</th></tr></thead><tbody>");
        Configuration[] configs = list(ca, factoryPid);
        if (configs.length == 0) {
            w.println("<tr><td colspan=\"3\">none</td></tr>");
        }
        for (Configuration c : configs) {
            Dictionary<String, Object> p = c.getProperties();
            Object vhost = p == null ? null : p.get("vhost");
            List<String> values = Format.strings(p == null ? null : p.get(key));
            w.println("<tr><td>" + Format.html(vhost == null ? StreamKey.DEFAULT_VHOST : vhost) + "</td><td>"
                    + Format.html(String.join(" ", values)) + "</td><td><a href=\""
                    + Format.html(appRoot + "/configMgr/" + c.getPid()) + "\">" + Format.html(c.getPid()) + "</a></td></tr>");
        }
        w.println("</tbody></table>");
        w.println("<form method=\"post\" action=\"" + Format.html(self) + "\">");
        w.println("<input type=\"hidden\" name=\"action\" value=\"" + Format.html(key) + "\">");
        w.println("<label>vhost <input name=\"vhost\" value=\"" + Format.html(StreamKey.DEFAULT_VHOST) + "\"></label>");
        w.println("<label>" + Format.html(key) + " <input name=\"" + Format.html(key)
                + "\" size=\"50\" placeholder=\"host:port host:port\"></label>");
        w.println("<button type=\"submit\">Set</button> <small>(empty: remove the vhost's configuration)</small>");
        w.println("</form>");
    }

    private static Configuration[] list(ConfigurationAdmin ca, String factoryPid) {
        try {
            Configuration[] c = ca.listConfigurations("(service.factoryPid=" + factoryPid + ")");
            return c == null ? new Configuration[0] : c;
        } catch (IOException | InvalidSyntaxException e) {
            LOG.warn("cannot list the configurations of {}: {}", factoryPid, e.toString());
            return new Configuration[0];
        }
    }

    /** Actions: switch the role, kick a client, set forward destinations or edge origins; then back to the page. */
    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String action = String.valueOf(req.getParameter("action"));
        String msg;
        int status = HttpServletResponse.SC_SEE_OTHER;
        try {
            msg = switch (action) {
                case "role" -> {
                    String role = req.getParameter("role");
                    roles.switchRole(role);
                    yield "role switched to " + role;
                }
                case "kick" -> kick(req.getParameter("id"));
                case "destinations" -> setList(Roles.FORWARD_FACTORY_PID, "destinations", req);
                case "origins" -> setList(Roles.EDGE_FACTORY_PID, "origins", req);
                default -> throw new IllegalArgumentException("unknown action '" + action + "'");
            };
        } catch (IllegalArgumentException | IllegalStateException e) {
            msg = "failed: " + e.getMessage();
        }
        LOG.info("console: {}", msg);
        resp.setStatus(status);
        resp.setHeader("Location", pluginRoot(req) + "?msg=" + URLEncoder.encode(msg, StandardCharsets.UTF_8));
    }

    private String kick(String idText) {
        long id;
        try {
            id = Long.parseLong(String.valueOf(idText).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("no client id in '" + idText + "'");
        }
        ClientRegistry r = clientRegistry;
        Client c = r == null ? null : r.client(id);
        if (c == null) {
            throw new IllegalArgumentException("client " + id + " is gone");
        }
        c.kick();
        return "kicked client " + id;
    }

    /** Creates, updates or (with an empty list) deletes the named factory configuration of a vhost. */
    private String setList(String factoryPid, String key, HttpServletRequest req) throws IOException {
        ConfigurationAdmin ca = configAdmin;
        if (ca == null) {
            throw new IllegalStateException("no Configuration Admin service");
        }
        String vhost = req.getParameter("vhost");
        vhost = vhost == null || vhost.isBlank() ? StreamKey.DEFAULT_VHOST : vhost.trim();
        List<String> values = Format.endpoints(req.getParameter(key));
        // the config bundle names its configurations by vhost too: the SRS file and this form edit the same one
        Configuration c = ca.getFactoryConfiguration(factoryPid, vhost, "?");
        if (values.isEmpty()) {
            c.delete();
            return factoryPid + " for vhost " + vhost + " removed";
        }
        Dictionary<String, Object> p = c.getProperties();
        if (p == null) {
            p = new Hashtable<>();
        }
        p.put("vhost", vhost);
        p.put(key, values.toArray(new String[0]));
        c.update(p);
        return factoryPid + " for vhost " + vhost + ": " + key + " " + String.join(" ", values);
    }

    private static String appRoot(HttpServletRequest req) {
        Object root = req.getAttribute(APP_ROOT);
        return root != null ? root.toString() : req.getContextPath() + req.getServletPath();
    }

    private static String pluginRoot(HttpServletRequest req) {
        return appRoot(req) + "/" + LABEL;
    }
}
