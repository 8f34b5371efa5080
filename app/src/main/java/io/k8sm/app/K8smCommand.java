package io.k8sm.app;

/**
 * A subcommand another module adds to {@code k8sm}: {@link K8sm#run} finds implementations with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/io.k8sm.app.K8smCommand}) and puts each
 * under its picocli {@code @Command} name, in place of a built-in of the same name. This is how the
 * {@code demo} module's {@code k8sm demo} replaces {@link DemoNotIncluded} without the production
 * distribution depending on the embedded world.
 */
public interface K8smCommand {}
