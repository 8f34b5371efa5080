package io.k8sm.scheduler.procurement;

import java.math.BigDecimal;

/** Scalars are kept in thousandths (like Mesos' fixed-point values) so sums never drift. */
final class Units {
    private Units() {}

    static long milli(double v) {
        return Math.round(v * 1000.0);
    }

    static double fromMilli(long v) {
        return v / 1000.0;
    }

    static String format(long milli) {
        return BigDecimal.valueOf(milli, 3).stripTrailingZeros().toPlainString();
    }
}
