package org.fluvia.media.api;

/** Where a stream's media comes from. Forward pushes only what was published here. */
public enum SourceKind {
    /** A client published to this node (RTMP publish). */
    PUBLISH,
    /** This node pulls the stream from another node (edge). */
    PULL
}
