package org.fluvia.hls.internal;

import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** File writes for HLS: whole files appear at once (temp file in the same directory, then an atomic rename). */
final class HlsFiles {

    private HlsFiles() {
    }

    /** Writes {@code data} to {@code file} atomically; does not release {@code data}. */
    static void writeAtomically(Path file, ByteBuf data) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (ByteBuffer b : data.nioBuffers()) {
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void writeAtomically(Path file, byte[] data) throws IOException {
        writeAtomically(file, io.netty.buffer.Unpooled.wrappedBuffer(data));
    }
}
