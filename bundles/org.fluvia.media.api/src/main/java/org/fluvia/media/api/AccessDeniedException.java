package org.fluvia.media.api;

/** A {@link ClientHook} refused a publish or a play; the message says why (it is logged). */
public class AccessDeniedException extends Exception {
    private static final long serialVersionUID = 1L;

    public AccessDeniedException(String message) {
        super(message);
    }
}
