package org.fluvia.bench;

import java.util.Arrays;

/** Nearest-rank percentiles of small samples (one value per client). */
public final class Percentiles {

    private Percentiles() {
    }

    /**
     * @param values not modified; negative values mean "none" and are left out
     * @param p      0 < p <= 100
     * @return the nearest-rank percentile, or -1 when no value is present
     */
    public static double of(double[] values, double p) {
        double[] v = Arrays.stream(values).filter(x -> x >= 0).sorted().toArray();
        if (v.length == 0) {
            return -1;
        }
        int rank = (int) Math.max(1, Math.ceil(p / 100.0 * v.length));
        return v[rank - 1];
    }
}
