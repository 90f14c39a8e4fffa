package io.trailsentry.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GeneratedClassLookupTest {

    /** A loader that records what it was asked for: the generated names must never reach it. */
    static final class Recording extends ClassLoader {
        final java.util.List<String> asked = new java.util.ArrayList<>();

        Recording() {
            super(GeneratedClassLookupTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            asked.add(name);
            return super.loadClass(name, resolve);
        }
    }

    @Test
    void generatedNamesAreNotLookedForInTheApplicationAndEverythingElseIs() throws Exception {
        Recording application = new Recording();
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(application);
        try {
            GeneratedClassLookup lookup = new GeneratedClassLookup();
            ClassLoader loader = lookup.classloader();
            assertThat(lookup.classloader()).as("one loader per context loader").isSameAs(loader);

            assertThatThrownBy(() -> loader.loadClass("generated.StatementAIFactoryProvider_0123_rule"))
                    .isInstanceOf(ClassNotFoundException.class);
            assertThat(loader.loadClass(EsperEngine.class.getName())).isSameAs(EsperEngine.class);
            assertThat(loader.loadClass("com.espertech.esper.common.client.EventBean").getName())
                    .isEqualTo("com.espertech.esper.common.client.EventBean");
            assertThat(application.asked).doesNotContain("generated.StatementAIFactoryProvider_0123_rule")
                    .contains(EsperEngine.class.getName());
        } finally {
            thread.setContextClassLoader(before);
        }
    }
}
