package io.k8sm.archfixture.cycle.a;

import io.k8sm.archfixture.cycle.b.Right;

/** A fixture: package {@code a} uses package {@code b}, which uses {@code a} back. */
public final class Left {
    public Right right;
}
