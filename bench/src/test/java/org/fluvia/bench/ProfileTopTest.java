package org.fluvia.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileTopTest {

    @Test
    void countsKernelSelfAndTotalPerStack() {
        ProfileTop.Summary s = ProfileTop.read(List.of(
                "[fluvia-io-3-1 tid=11];Thread.run;PlayerReader.drain;writev;tcp_sendmsg_[k] 30",
                "[fluvia-io-3-2 tid=12];Thread.run;PlayerReader.drain;PlayerReader.drain 10",
                "[C2 CompilerThre tid=9];Compile 5",
                "garbage-without-count",
                ""));
        assertEquals(45, s.samples);
        assertEquals(30, s.kernel);
        assertEquals(40, s.threads.get("fluvia-io"));
        assertEquals(5, s.threads.get("C2 CompilerThre"));
        assertEquals(10, s.self.get("PlayerReader.drain"));
        assertEquals(40, s.total.get("PlayerReader.drain"), "a frame twice on one stack counts once");
    }

    @Test
    void threadKindsDropTheirNumbers() {
        assertEquals("GC Thread", ProfileTop.threadKind("[GC Thread#1 tid=4]"));
        assertEquals("fluvia-io", ProfileTop.threadKind("[fluvia-io-3-12 tid=40]"));
        assertEquals("-", ProfileTop.threadKind("java/lang/Thread.run"));
    }
}
