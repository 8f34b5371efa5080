package io.k8sm.archfixture.cycle.b;

import io.k8sm.archfixture.cycle.a.Left;

/** A fixture: package {@code b} uses package {@code a}, which uses {@code b}: a cycle. */
public final class Right {
    public Left left;
}
