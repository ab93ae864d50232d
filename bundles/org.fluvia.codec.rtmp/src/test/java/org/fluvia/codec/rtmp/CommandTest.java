package org.fluvia.codec.rtmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.fluvia.codec.amf.AmfEcmaArray;
import org.fluvia.codec.amf.AmfException;
import org.fluvia.codec.amf.AmfObject;
import org.junit.jupiter.api.Test;

class CommandTest {

    /** AMF0: "createStream", 2.0, null */
    private static final String CREATE_STREAM = "02 000C 63726561746553747265616D 00 4000000000000000 05";

    /** A message as the chunk decoder delivers it; the caller releases it. */
    private static RtmpMessage receive(int type, String body) {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder());
        ch.writeInbound(ChunkEncoder.encode(ByteBufAllocator.DEFAULT, type, 3, 0, 0, Bytes.hex(body), 128));
        RtmpMessage message = ch.readInbound();
        assertFalse(ch.finish());
        return message;
    }

    private static <T> T decodeAndRelease(RtmpMessage message, Function<RtmpMessage, T> decoder) {
        try {
            return decoder.apply(message);
        } finally {
            message.release();
        }
    }

    @Test
    void decodesAnAmf0Command() {
        RtmpMessage message = receive(MessageType.COMMAND_AMF0, CREATE_STREAM);
        Command command = decodeAndRelease(message, Command::decode);

        assertEquals(new Command("createStream", 2, null, List.of()), command);
    }

    @Test
    void decodesAnAmf3CommandWithItsFormatByteAndSwitchedValues() {
        // 0x11 switches to AMF3 for one value: integer 5.
        RtmpMessage message = receive(MessageType.COMMAND_AMF3, "00" + CREATE_STREAM + "11 04 05");
        Command command = decodeAndRelease(message, Command::decode);

        assertEquals("createStream", command.name());
        assertEquals(5, ((Number) command.argument(0)).intValue());
        assertNull(command.argument(1));
    }

    @Test
    void encodesTheSpecifiedAmf0Bytes() {
        RtmpMessage message = new Command("createStream", 2, null, null).toMessage(ByteBufAllocator.DEFAULT, 3, 0);

        assertEquals(MessageType.COMMAND_AMF0, message.typeId());
        assertEquals(CREATE_STREAM.replace(" ", "").toLowerCase(), ByteBufUtil.hexDump(message.payload()));
        message.release();
    }

    @Test
    void connectRoundTrips() {
        Command connect = new Command("connect", 1, AmfObject.of("app", "live", "tcUrl", "rtmp://host/live",
                "objectEncoding", 0.0), Arrays.asList("extra", null, true));

        RtmpMessage message = connect.toMessage(ByteBufAllocator.DEFAULT, 3, 0);

        assertEquals(connect, decodeAndRelease(message, Command::decode));
    }

    @Test
    void malformedAmfNamesTheCommandAndThePosition() {
        RtmpMessage message = receive(MessageType.COMMAND_AMF0, "02 000C 63726561746553747265616D 00 40000000");

        RtmpProtocolException e = assertThrows(RtmpProtocolException.class, () -> decodeAndRelease(message, Command::decode));

        assertInstanceOf(AmfException.class, e.getCause());
        assertTrue(e.getMessage().startsWith("malformed AMF in command 'createStream' at value 1 (transaction id): "),
                e.getMessage());
        assertEquals(0, message.refCnt());
    }

    @Test
    void aCommandNeedsANameAndATransactionId() {
        RtmpProtocolException noName = assertThrows(RtmpProtocolException.class,
                () -> decodeAndRelease(receive(MessageType.COMMAND_AMF0, "00 4000000000000000"), Command::decode));
        RtmpProtocolException noTransaction = assertThrows(RtmpProtocolException.class,
                () -> decodeAndRelease(receive(MessageType.COMMAND_AMF0, "02 0004 706C6179"), Command::decode));

        assertEquals("command without a name: the body starts with 2.0", noName.getMessage());
        assertEquals("command 'play' has no numeric transaction id", noTransaction.getMessage());
    }

    @Test
    void refusesToDecodeOtherMessageTypesAsCommands() {
        RtmpMessage video = receive(MessageType.VIDEO, CREATE_STREAM);

        assertThrows(RtmpProtocolException.class, () -> decodeAndRelease(video, Command::decode));
    }

    @Test
    void dataMessagesRoundTripAndAcceptTheAmf3FormatByte() {
        AmfEcmaArray metadata = new AmfEcmaArray();
        metadata.put("width", 1280.0);
        metadata.put("encoder", "obs");
        DataMessage setDataFrame = new DataMessage("@setDataFrame", List.of("onMetaData", metadata));

        RtmpMessage amf0 = setDataFrame.toMessage(ByteBufAllocator.DEFAULT, 4, 40, 1);
        String body = ByteBufUtil.hexDump(amf0.payload());
        assertEquals(MessageType.DATA_AMF0, amf0.typeId());
        assertEquals(40, amf0.timestamp());
        assertEquals(setDataFrame, decodeAndRelease(amf0, DataMessage::decode));
        assertEquals(setDataFrame, decodeAndRelease(receive(MessageType.DATA_AMF3, "00" + body), DataMessage::decode));
    }

    @Test
    void statusObjectsHaveLevelCodeAndDescriptionInOrder() {
        AmfObject status = StatusObjects.status(StatusObjects.LEVEL_STATUS, "NetStream.Publish.Start", "Started");

        assertEquals(List.of("level", "code", "description"), List.copyOf(status.keySet()));
        assertEquals(new Command("onStatus", 0, null, List.of(status)),
                StatusObjects.onStatus("status", "NetStream.Publish.Start", "Started"));
    }

    @Test
    void resultAndErrorAnswerTheirTransaction() {
        AmfObject info = StatusObjects.status("error", "NetConnection.Connect.Rejected", "no");
        Command result = StatusObjects.result(4, null, 1.0);
        Command error = StatusObjects.error(5, null, info);

        RtmpMessage message = result.toMessage(ByteBufAllocator.DEFAULT, 3, 0);
        assertEquals(new Command("_result", 4, null, List.of(1.0)), decodeAndRelease(message, Command::decode));
        assertEquals("_error", error.name());
        assertEquals(5, error.transactionId());
        assertEquals(List.of(info), error.arguments());
    }
}
