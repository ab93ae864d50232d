package org.fluvia.media.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class MediaMessageTest {

    private static final Object KEY = new Object();

    @Test
    void encodedDuplicatesOfAnUntrackedEncodingShareItWithTheirOwnIndices() {
        ByteBuf encoding = Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4}); // not leak-tracked
        assertNull(encoding.unwrap());
        checkSharing(encoding);
    }

    @Test
    void encodedDuplicatesOfALeakTrackedEncodingShareItWithTheirOwnIndices() {
        // The build's tests run with paranoid leak detection: every pooled buffer is tracked (wrapped).
        ByteBuf encoding = PooledByteBufAllocator.DEFAULT.directBuffer(4).writeBytes(new byte[] {1, 2, 3, 4});
        assertNotNull(encoding.unwrap(), "tracked: the leak detector wraps it");
        checkSharing(encoding);
    }

    private static void checkSharing(ByteBuf encoding) {
        MediaMessage m = MediaMessage.of(MediaType.VIDEO, 40, Unpooled.wrappedBuffer(new byte[] {0x17, 1}));
        int[] encoded = {0};
        Function<MediaMessage, ByteBuf> encoder = msg -> {
            encoded[0]++;
            return encoding;
        };
        List<ByteBuf> players = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            players.add(m.encodedDuplicate(KEY, encoder));
        }
        assertEquals(1, encoded[0], "encoded once");
        assertEquals(4, encoding.refCnt(), "the message's reference and one per duplicate");
        assertEquals(1, players.get(0).readByte());
        assertEquals(1, players.get(1).readByte(), "each duplicate reads from its own index");
        assertEquals(4, players.get(2).readableBytes());
        players.forEach(ByteBuf::release);
        assertEquals(1, encoding.refCnt(), "the players' writes let go of theirs");
        m.release();
        assertEquals(0, encoding.refCnt(), "the message let go of its encoding");
    }
}
