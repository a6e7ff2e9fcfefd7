package dev.pixelgrad.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScopeTest {

    @Test
    void closingAScopeClosesEveryTensorMadeInsideItExceptKeptOnes() {
        Tensor kept;
        Tensor dropped;
        try (Scope s = Scope.open()) {
            dropped = Tensor.zeros(2, 3);
            kept = s.keep(Tensor.zeros(4));
            assertEquals(1, s.liveCount());
        }
        assertTrue(dropped.isClosed());
        assertFalse(kept.isClosed());
        kept.close();
    }

    @Test
    void keptTensorsMoveToTheEnclosingScope() {
        Tensor inner;
        try (Scope outer = Scope.open()) {
            try (Scope s = Scope.open()) {
                inner = s.keep(Tensor.zeros(3));
            }
            assertFalse(inner.isClosed());
            assertEquals(1, outer.liveCount());
        }
        assertTrue(inner.isClosed());
    }

    @Test
    void runKeepsWhatTheBodyReturns() {
        Tensor[] temp = new Tensor[1];
        List<Tensor> result = Scope.run(() -> {
            temp[0] = Tensor.zeros(5);
            return List.of(Tensor.zeros(1), Tensor.zeros(2));
        });
        assertTrue(temp[0].isClosed());
        assertFalse(result.get(0).isClosed());
        assertFalse(result.get(1).isClosed());
    }

    @Test
    void viewsShareMemoryUntilTheLastOneCloses() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor v = a.reshape(3, -1);
        assertEquals(Shape.of(3, 2), v.shape());
        a.close();
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, v.toFloatArray());
        v.close();
        assertTrue(v.isClosed());
    }

    private static void assertArrayEquals(float[] e, float[] a) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(e, a);
    }

    @Test
    void usingAClosedTensorFailsClearly() {
        Tensor t = Tensor.zeros(2);
        t.close();
        t.close(); // idempotent
        IllegalStateException e = assertThrows(IllegalStateException.class, t::toFloatArray);
        assertTrue(e.getMessage().contains("was closed"), e.getMessage());
    }

    @Test
    void scopesMustCloseInnermostFirst() {
        Scope outer = Scope.open();
        Scope inner = Scope.open();
        assertThrows(IllegalStateException.class, outer::close);
        inner.close();
        outer.close();
        assertEquals(null, Scope.current());
    }

    @Test
    void detachedTensorsOutliveTheirScope() {
        Tensor t;
        try (Scope s = Scope.open()) {
            t = Tensor.zeros(3).detachFromScope();
        }
        assertFalse(t.isClosed());
        t.close();
    }

    @Test
    void manyShortLivedTensorsInALongScopeDoNotAccumulate() {
        try (Scope s = Scope.open()) {
            for (int i = 0; i < 100_000; i++) {
                Tensor.zeros(1).close();
            }
            assertEquals(0, s.liveCount());
        }
    }
}
