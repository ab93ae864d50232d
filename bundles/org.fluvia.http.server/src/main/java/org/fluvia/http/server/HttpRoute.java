package org.fluvia.http.server;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Serves some of the HTTP server's URLs. Register as an OSGi service: the server asks its routes in
 * service ranking order, then falls back to its static files. A stopped route's URLs answer 404.
 *
 * <p>Service property {@value #SERVER_PROPERTY} names the listener the route belongs to
 * ({@value #DEFAULT_SERVER} when absent).
 */
@ConsumerType
public interface HttpRoute {

    String SERVER_PROPERTY = "fluvia.http.server";
    String DEFAULT_SERVER = "server";

    /**
     * Handles a request if it is this route's. Called on the connection's event loop; must not block.
     *
     * @return false to let the next route (and finally the static files) try; true when this route
     *         has written, or will write, the whole response to {@link HttpExchange#ctx()}
     */
    boolean handle(HttpExchange exchange);
}
