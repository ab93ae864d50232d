package org.fluvia.codec.rtmp;

import java.util.Arrays;
import java.util.List;
import org.fluvia.codec.amf.AmfObject;

/** Builders for the status objects and the {@code onStatus}, {@code _result} and {@code _error} commands. */
public final class StatusObjects {

    public static final String LEVEL_STATUS = "status";
    public static final String LEVEL_WARNING = "warning";
    public static final String LEVEL_ERROR = "error";

    private StatusObjects() {
    }

    /**
     * An info object with the keys {@code level}, {@code code} and {@code description}, in that order;
     * callers may add more (such as {@code objectEncoding} or {@code details}).
     *
     * @param level {@link #LEVEL_STATUS}, {@link #LEVEL_WARNING} or {@link #LEVEL_ERROR}
     * @param code  such as {@code "NetStream.Publish.Start"}
     */
    public static AmfObject status(String level, String code, String description) {
        return AmfObject.of("level", level, "code", code, "description", description);
    }

    /** An {@code onStatus} command (transaction id 0, null command object) carrying one status object. */
    public static Command onStatus(String level, String code, String description) {
        return onStatus(status(level, code, description));
    }

    /** An {@code onStatus} command (transaction id 0, null command object) carrying {@code info}. */
    public static Command onStatus(AmfObject info) {
        return new Command("onStatus", 0, null, List.of(info));
    }

    /** A {@code _result} answering transaction {@code transactionId}; arguments may be null. */
    public static Command result(double transactionId, Object commandObject, Object... arguments) {
        return new Command("_result", transactionId, commandObject, Arrays.asList(arguments));
    }

    /** An {@code _error} answering transaction {@code transactionId} with the info object. */
    public static Command error(double transactionId, Object commandObject, AmfObject info) {
        return new Command("_error", transactionId, commandObject, Arrays.asList(info));
    }
}
