package io.trailsentry.engine;

import com.espertech.esper.common.client.util.ClassLoaderProvider;

/**
 * The class loader Esper resolves deployed modules' classes through, answering "not here" at once
 * for the classes Esper itself generates (package {@code generated}).
 *
 * <p>Esper loads each module's classes parent first: every generated class a deployment defines or
 * links to is first looked up in the application's class path, jar by jar, and found missing before
 * Esper's own loaders define it from the module's bytes. That search was a tenth of {@code rules
 * test} (JFR: {@code BuiltinClassLoader.findClassOnClassPathOrNull} under every deployment) and is
 * part of every start and rule reload. No class of the application or its libraries lives in
 * {@code generated}, so skipping the search changes nothing else: every other name goes to the
 * context class loader, as Esper's default provider does.
 */
final class GeneratedClassLookup implements ClassLoaderProvider {

    /** The package the Esper compiler puts every class it generates in (its default; not configured here). */
    static final String GENERATED_PACKAGE = "generated.";

    private volatile SkipGenerated last;

    @Override
    public ClassLoader classloader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context == null) {
            context = GeneratedClassLookup.class.getClassLoader();
        }
        SkipGenerated cached = last;
        if (cached == null || cached.getParent() != context) {
            cached = new SkipGenerated(context);
            last = cached;
        }
        return cached;
    }

    /** Delegates to its parent, except for generated classes, which its parent cannot have. */
    static final class SkipGenerated extends ClassLoader {

        SkipGenerated(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith(GENERATED_PACKAGE)) {
                throw new ClassNotFoundException(name);
            }
            return super.loadClass(name, resolve);
        }
    }
}
