/**
 * Tools over the Avro contract itself: loading a directory of {@code .avsc} files ({@link
 * io.k8sm.schemas.SchemaDirectory}), the BACKWARD compatibility check against the released copies
 * ({@link io.k8sm.schemas.BackwardCompatibility}) and the documentation check ({@link
 * io.k8sm.schemas.SchemaDocs}). The generated classes live in {@code io.k8sm.avro}.
 */
package io.k8sm.schemas;
