package io.trailsentry.engine;

import com.espertech.esper.common.client.EPCompiled;
import com.espertech.esper.common.client.configuration.Configuration;
import com.espertech.esper.common.client.module.Module;
import com.espertech.esper.common.client.module.ModuleItem;
import com.espertech.esper.common.client.soda.EPStatementObjectModel;
import com.espertech.esper.common.client.soda.MethodInvocationStream;
import com.espertech.esper.common.client.soda.SQLStream;
import com.espertech.esper.common.client.soda.Stream;
import com.espertech.esper.common.client.util.ClassForNameProvider;
import com.espertech.esper.compiler.client.EPCompileException;
import com.espertech.esper.compiler.client.EPCompiler;
import io.trailsentry.ingest.CloudTrailEvent;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rules are data, not code: EPL submitted through the API or dropped into {@code epl/} may use EPL's
 * built-in functions, the event's fields and the pure value methods of strings and numbers, and the
 * single-row functions in {@link #SINGLE_ROW_FUNCTIONS} — never arbitrary Java ({@code System.exit},
 * {@code Runtime.exec}, reflection, {@code new SomeClass()}, imports, scripts, inlined classes).
 *
 * <p>Three layers, because Esper offers Java access through several doors:
 * <ol>
 *   <li>configuration: inlined classes and scripts are switched off, and class names in EPL resolve
 *       only through {@link NameGate}, which knows a handful of value types, the event class and the
 *       function holder ({@code java.lang.System.exit(0)} then fails to compile: unknown class);</li>
 *   <li>statements: data flows, method and SQL joins and module imports are refused by name, so the
 *       author learns why at the right line;</li>
 *   <li>byte code: what Esper generated for the module is read back and every class, method and field
 *       it refers to must be Esper's own, the event's getters, a value type's method or an allowed
 *       function. Nothing runs before this check passes (compiling generates code, deploying runs it),
 *       so even a trick the first two layers miss, such as {@code eventName.getClass().getMethods()},
 *       is refused.</li>
 * </ol>
 */
public final class RuleSandbox {

    /** Single-row functions rules may call, by EPL name → method of {@link RuleFunctions}. */
    public static final Map<String, String> SINGLE_ROW_FUNCTIONS = Map.ofEntries(
            Map.entry("inCidr", "inCidr"),
            Map.entry("lower", "lower"),
            Map.entry("upper", "upper"),
            Map.entry("toNumber", "toNumber"),
            Map.entry("policyAllowsPublic", "policyAllowsPublic"),
            Map.entry("policyGrantsOtherAccount", "policyGrantsOtherAccount"),
            Map.entry("policyGrantsAdmin", "policyGrantsAdmin"),
            Map.entry("aclGrantsPublic", "aclGrantsPublic"),
            Map.entry("sharesWithOthers", "sharesWithOthers"),
            Map.entry("sharesPublicly", "sharesPublicly"),
            Map.entry("ingressOpenToWorld", "ingressOpenToWorld"),
            Map.entry("ingressOpenToWorldOn", "ingressOpenToWorldOn"),
            Map.entry("ingressOpenPorts", "ingressOpenPorts"),
            Map.entry("eventSelectorsReduceLogging", "eventSelectorsReduceLogging"),
            Map.entry("trailUpdateReducesLogging", "trailUpdateReducesLogging"),
            Map.entry("trailUpdateRedirectsLogs", "trailUpdateRedirectsLogs"),
            Map.entry("lifecycleExpiresObjects", "lifecycleExpiresObjects"),
            Map.entry("lifecycleExpirationDays", "lifecycleExpirationDays"),
            Map.entry("policyAllowsAny", "policyAllowsAny"),
            Map.entry("namesOtherAccount", "namesOtherAccount"),
            Map.entry("lifecycleScriptSuspicious", "lifecycleScriptSuspicious"),
            Map.entry("lifecycleScriptFindings", "lifecycleScriptFindings"),
            Map.entry("dataReadTarget", "dataReadTarget"),
            Map.entry("sharedWith", "sharedWith"),
            Map.entry("sharesOutsideAccount", "sharesOutsideAccount"),
            Map.entry("removesSharing", "removesSharing"),
            Map.entry("unsharedFrom", "unsharedFrom"),
            Map.entry("replicatesToOtherAccount", "replicatesToOtherAccount"),
            Map.entry("replicationAccounts", "replicationAccounts"),
            Map.entry("replicationBuckets", "replicationBuckets"),
            Map.entry("launchesAcceleratedInstances", "launchesAcceleratedInstances"),
            Map.entry("launchedInstanceCount", "launchedInstanceCount"),
            Map.entry("taskDefinitionLooksLikeMiner", "taskDefinitionLooksLikeMiner"),
            Map.entry("taskDefinitionImages", "taskDefinitionImages"),
            Map.entry("encryptsWithCustomerKey", "encryptsWithCustomerKey"),
            Map.entry("encryptsWithOtherAccountKmsKey", "encryptsWithOtherAccountKmsKey"),
            Map.entry("kmsKeysNamed", "kmsKeysNamed"),
            Map.entry("looksLikeRansomNote", "looksLikeRansomNote"),
            Map.entry("eksLoggingDisabledTypes", "eksLoggingDisabledTypes"),
            Map.entry("invocationLoggingReduced", "invocationLoggingReduced"),
            Map.entry("publicAccessBlockWeakened", "publicAccessBlockWeakened"),
            Map.entry("findingUpdateSuppresses", "findingUpdateSuppresses"),
            Map.entry("offensiveToolAgent", "offensiveToolAgent"),
            Map.entry("s3GuiClientAgent", "s3GuiClientAgent"),
            Map.entry("consoleAgent", "consoleAgent"),
            Map.entry("iacAgent", "iacAgent"),
            Map.entry("credentialFileKind", "credentialFileKind"),
            Map.entry("listSize", "listSize"),
            Map.entry("arnAccount", "arnAccount"),
            Map.entry("ipv4Network16", "ipv4Network16"),
            Map.entry("matchesRegex", "matchesRegex"),
            Map.entry("containsRegex", "containsRegex"));

    /**
     * Functions that may stop a rule's evaluation (its budget is spent): their exception goes to the
     * engine's handler, which disables the rule, instead of being logged and read as null.
     */
    static final Set<String> BUDGETED_FUNCTIONS = Set.of("matchesRegex", "containsRegex");

    /** Classes EPL may name (variable, table and cast types; the event; the functions). */
    private static final Map<String, Class<?>> NAMEABLE = nameable();

    /** Esper's own runtime, which its generated code calls. */
    private static final String ESPER = "com/espertech/esper/";

    /** Java classes whose methods generated code may call: values, collections, time, maths. */
    private static final Set<String> JAVA_CLASSES = Set.of(
            "java/lang/Object", "java/lang/String", "java/lang/StringBuilder", "java/lang/StringBuffer", "java/lang/CharSequence",
            "java/lang/Boolean", "java/lang/Byte", "java/lang/Short", "java/lang/Character", "java/lang/Integer",
            "java/lang/Long", "java/lang/Float", "java/lang/Double", "java/lang/Number", "java/lang/Math",
            "java/lang/Comparable", "java/lang/Iterable", "java/lang/Enum", "java/lang/Void", "java/lang/Cloneable",
            "java/lang/Throwable", "java/lang/Exception", "java/lang/RuntimeException", "java/lang/IllegalStateException",
            "java/lang/IllegalArgumentException", "java/lang/UnsupportedOperationException", "java/lang/ArithmeticException",
            "java/lang/NullPointerException", "java/lang/ClassCastException", "java/lang/IndexOutOfBoundsException",
            "java/lang/ArrayIndexOutOfBoundsException", "java/lang/NumberFormatException",
            "java/lang/annotation/Annotation",
            "java/util/AbstractMap", "java/util/AbstractList", "java/util/AbstractCollection", "java/util/AbstractSet",
            "java/util/concurrent/atomic/AtomicLong", "java/util/concurrent/atomic/AtomicInteger",
            "java/util/ArrayList", "java/util/ArrayDeque", "java/util/Arrays", "java/util/Collection", "java/util/Collections",
            "java/util/Comparator", "java/util/Deque", "java/util/HashMap", "java/util/HashSet", "java/util/Iterator",
            "java/util/LinkedHashMap", "java/util/LinkedHashSet", "java/util/LinkedList", "java/util/List",
            "java/util/ListIterator", "java/util/Map", "java/util/Map$Entry", "java/util/NavigableMap", "java/util/NavigableSet",
            "java/util/Objects", "java/util/Optional", "java/util/Queue", "java/util/Set", "java/util/SortedMap",
            "java/util/SortedSet", "java/util/TreeMap", "java/util/TreeSet", "java/util/AbstractMap$SimpleEntry",
            "java/util/Date", "java/util/Calendar", "java/util/GregorianCalendar", "java/util/TimeZone", "java/util/Locale",
            "java/util/NoSuchElementException",
            "java/text/DateFormat", "java/text/SimpleDateFormat",
            "java/io/DataInput", "java/io/DataOutput", "java/io/IOException", "java/io/UncheckedIOException", "java/io/Serializable");

    /** Java packages whose classes are all values or pure functions. */
    private static final List<String> JAVA_PACKAGES = List.of("java/math/", "java/time/", "java/util/function/");

    /**
     * Classes code may name as a type (a class literal, a cast) but of whose members it may use only
     * these: {@code typeof()} asks a value's class for its name, nothing more.
     */
    private static final Map<String, Set<String>> TYPE_ONLY = Map.of(
            "java/lang/Class", Set.of("getName", "getSimpleName", "isInstance"));

    /** Methods of allowed classes that reach outside the values they are called on. */
    private static final Set<String> DENIED_MEMBERS = Set.of(
            "java/lang/Integer.getInteger", "java/lang/Long.getLong", "java/lang/Boolean.getBoolean", // system properties
            "java/lang/Object.wait", "java/lang/Object.notify", "java/lang/Object.notifyAll",
            // Java's backtracking regular expressions, which one pattern can hold for hours on one value:
            // rules use matchesRegex/containsRegex, read within a budget (EPL's regexp is refused with them).
            "java/lang/String.matches", "java/lang/String.replaceAll", "java/lang/String.replaceFirst", "java/lang/String.split",
            // Amplifiers: a small value in, a huge one out (a repeat count, an exponent, a scale taken from an event).
            "java/lang/String.repeat", "java/math/BigInteger.pow", "java/math/BigInteger.shiftLeft", "java/math/BigDecimal.pow",
            "java/math/BigDecimal.setScale", "java/math/BigDecimal.movePointLeft", "java/math/BigDecimal.movePointRight",
            "java/math/BigDecimal.scaleByPowerOfTen", "java/math/BigDecimal.toPlainString", "java/math/BigDecimal.toBigInteger",
            "java/math/BigDecimal.toBigIntegerExact");

    /**
     * Static members of JDK classes generated code may use: pure functions of their arguments
     * (boxing, parsing, maths, empty and single-element collections, building a calendar for a given
     * zone) and constants. Any other static — {@code TimeZone.setDefault}, {@code Locale.setDefault},
     * {@code ZoneId.systemDefault}, {@code Instant.now}, {@code String.format} — is refused however it
     * is reached, by class name or through a value ({@code current_timestamp.toCalendar().getTimeZone().setDefault(…)}).
     */
    private static final Set<String> STATIC_MEMBERS = Set.of(
            "java/lang/Boolean.valueOf", "java/lang/Boolean.parseBoolean", "java/lang/Boolean.TRUE", "java/lang/Boolean.FALSE",
            "java/lang/Byte.valueOf", "java/lang/Short.valueOf", "java/lang/Character.valueOf", "java/lang/Float.valueOf",
            "java/lang/Integer.valueOf", "java/lang/Integer.parseInt", "java/lang/Integer.toString", "java/lang/Integer.compare",
            "java/lang/Integer.MAX_VALUE", "java/lang/Integer.MIN_VALUE",
            "java/lang/Long.valueOf", "java/lang/Long.parseLong", "java/lang/Long.toString", "java/lang/Long.compare",
            "java/lang/Long.MAX_VALUE", "java/lang/Long.MIN_VALUE",
            "java/lang/Double.valueOf", "java/lang/Double.parseDouble", "java/lang/Double.toString", "java/lang/Double.compare",
            "java/lang/Double.isNaN", "java/lang/Float.parseFloat", "java/lang/Short.parseShort", "java/lang/Byte.parseByte",
            "java/lang/String.valueOf", "java/lang/String.join",
            "java/util/Collections.singletonMap", "java/util/Collections.singletonList", "java/util/Collections.singleton",
            "java/util/Collections.emptyList", "java/util/Collections.emptyMap", "java/util/Collections.emptySet",
            "java/util/Collections.emptySortedSet", "java/util/Collections.emptySortedMap", "java/util/Collections.emptyIterator",
            "java/util/Collections.unmodifiableList", "java/util/Collections.unmodifiableMap", "java/util/Collections.unmodifiableSet",
            "java/util/Collections.unmodifiableCollection", "java/util/Collections.EMPTY_LIST", "java/util/Collections.EMPTY_MAP",
            "java/util/Collections.EMPTY_SET", "java/util/Arrays.asList", "java/util/Objects.equals", "java/util/Objects.hash",
            "java/util/Objects.hashCode", "java/util/Objects.isNull", "java/util/Objects.nonNull", "java/util/Objects.toString",
            "java/util/Objects.requireNonNull", "java/util/Calendar.getInstance",
            "java/math/BigInteger.valueOf", "java/math/BigInteger.ZERO", "java/math/BigInteger.ONE",
            "java/math/BigDecimal.valueOf", "java/math/BigDecimal.ZERO", "java/math/BigDecimal.ONE",
            "java/math/RoundingMode.HALF_UP", "java/math/RoundingMode.HALF_EVEN", "java/math/RoundingMode.valueOf",
            "java/math/MathContext.DECIMAL64", "java/math/MathContext.DECIMAL128",
            "java/time/Instant.ofEpochMilli", "java/time/Instant.ofEpochSecond", "java/time/Duration.ofMillis",
            "java/time/Duration.ofSeconds", "java/time/Duration.ofMinutes", "java/time/Duration.ofHours",
            "java/time/Duration.ofDays", "java/time/ZoneOffset.UTC", "java/time/ZoneOffset.ofHours");

    /** {@link Math}'s functions are pure, all but the one with a JVM-wide generator. */
    private static boolean staticAllowed(String owner, String name) {
        if (owner.equals("java/lang/Math") || owner.equals("java/lang/StrictMath")) {
            return !name.equals("random");
        }
        return STATIC_MEMBERS.contains(owner + "." + name);
    }

    private static final String EVENT_CLASS = CloudTrailEvent.class.getName().replace('.', '/');
    private static final String FUNCTIONS_CLASS = RuleFunctions.class.getName().replace('.', '/');
    private static final Pattern IMPORT = Pattern.compile("(?m)^\\s*import\\s+([\\w.$*]+)");

    private RuleSandbox() {
    }

    /**
     * The sandbox's version: raise it whenever what {@link #apply} configures or what
     * {@link #checkStatements} refuses changes, so compiled modules cached by an earlier build are
     * compiled again rather than reused ({@link #verify} is re-run on cached byte code; the other
     * layers are not).
     */
    private static final int VERSION = 2;

    /**
     * What of the sandbox the byte code of a compiled module depends on, for {@link CompiledRuleCache}'s
     * key: its version and each function as it is registered (name, method, and whether its exceptions
     * are rethrown: a budgeted function's call compiles differently).
     */
    static String cacheFingerprint() {
        StringBuilder fingerprint = new StringBuilder("sandbox-").append(VERSION);
        new TreeMap<>(SINGLE_ROW_FUNCTIONS).forEach((name, method) -> fingerprint.append(',').append(name).append('=').append(method)
                .append(BUDGETED_FUNCTIONS.contains(name) ? "!rethrow" : ""));
        return fingerprint.toString();
    }

    /** Applies layer 1 to a configuration used for compiling (and running) rules. */
    static void apply(Configuration configuration) {
        configuration.getCommon().getTransientConfiguration().put(ClassForNameProvider.NAME, new NameGate());
        configuration.getCompiler().getByteCode().setAllowInlinedClass(false);
        configuration.getCompiler().getScripts().setEnabled(false);
        // In name order: Map.ofEntries iterates in an order that changes from one JVM to the next, and
        // the configuration's serialised form is part of the compiled-rule cache key.
        new java.util.TreeMap<>(SINGLE_ROW_FUNCTIONS).forEach((name, method) -> {
            var function = new com.espertech.esper.common.client.configuration.compiler.ConfigurationCompilerPlugInSingleRowFunction();
            function.setName(name);
            function.setFunctionClassName(RuleFunctions.class.getName());
            function.setFunctionMethodName(method);
            function.setRethrowExceptions(BUDGETED_FUNCTIONS.contains(name));
            configuration.getCompiler().addPlugInSingleRowFunction(function);
        });
    }

    /** Layer 2: statements that reach Java by design, refused before compiling, with their line. */
    static List<RuleError> checkStatements(String file, String text, Module module, EPCompiler compiler, Configuration configuration) {
        List<RuleError> errors = new ArrayList<>();
        for (String imported : module.getImports()) {
            errors.add(new RuleError(file, lineOf(text, IMPORT, imported), 0,
                    "'import " + imported + "' is not allowed: rules cannot use Java classes (see docs/operations.md, Rule isolation)"));
        }
        for (ModuleItem item : module.getItems()) {
            if (item.isCommentOnly()) {
                continue;
            }
            EPStatementObjectModel model;
            try {
                model = compiler.eplToModel(item.getExpression(), configuration);
            } catch (EPCompileException | RuntimeException notMappable) {
                continue; // a syntax error is reported by the compiler with its position; layer 3 still applies
            }
            String why = refusal(model);
            if (why != null) {
                errors.add(new RuleError(file, contentLine(item), 0, why + " (see docs/operations.md, Rule isolation)"));
            }
        }
        return errors;
    }

    private static String refusal(EPStatementObjectModel model) {
        if (model.getCreateDataFlow() != null) {
            return "data flows are not allowed in rules: their operators run Java";
        }
        if (notEmpty(model.getScriptExpressions())) {
            return "scripts (expression js:/mvel:) are not allowed in rules: they run arbitrary code";
        }
        if (notEmpty(model.getClassProvidedExpressions()) || model.getCreateClass() != null) {
            return "inlined Java classes are not allowed in rules";
        }
        if (model.getFromClause() != null) {
            for (Stream stream : model.getFromClause().getStreams()) {
                if (stream instanceof MethodInvocationStream) {
                    return "method-invocation joins (method:…) are not allowed in rules: they call Java methods";
                }
                if (stream instanceof SQLStream) {
                    return "SQL joins (sql:…) are not allowed in rules";
                }
            }
        }
        return null;
    }

    /**
     * Layer 3: every class and member the module's generated byte code refers to must be allowed.
     * Runs after compiling and before anything is deployed (deploying runs the generated code).
     */
    static List<RuleError> verify(String file, String text, EPCompiled compiled) {
        Set<String> generated = new TreeSet<>();
        compiled.getClasses().keySet().forEach(name -> generated.add(name.replace('.', '/')));
        Set<String> refusedMembers = new java.util.LinkedHashSet<>();
        Set<String> refusedClasses = new java.util.LinkedHashSet<>();
        List<String> memberNames = new ArrayList<>();
        for (byte[] classFile : compiled.getClasses().values()) {
            ClassFileReferences refs = ClassFileReferences.read(classFile);
            for (String type : refs.classes()) {
                String element = elementType(type);
                if (element != null && !classAllowed(element, generated) && !TYPE_ONLY.containsKey(element)) {
                    refusedClasses.add(element.replace('/', '.'));
                }
            }
            for (ClassFileReferences.Member member : refs.members()) {
                if (!memberAllowed(member, generated) && refusedMembers.add(member.display())) {
                    memberNames.add(member.name());
                }
            }
        }
        if (refusedMembers.isEmpty() && refusedClasses.isEmpty()) {
            return List.of();
        }
        Set<String> refused = new java.util.LinkedHashSet<>(refusedMembers);
        refused.addAll(refusedClasses);
        // Byte code does not know EPL lines; the only way to reach a member is to write its name, so
        // the first line calling one of them is the line to fix.
        int line = memberNames.stream().mapToInt(name -> lineOf(text, Pattern.compile("\\.\\s*" + Pattern.quote(name) + "\\s*\\(")))
                .filter(l -> l > 0).min().orElse(0);
        boolean regex = refused.stream().anyMatch(r -> r.startsWith("java.util.regex") || r.matches("java\\.lang\\.String\\.(matches|replaceAll|replaceFirst|split)"));
        if (line == 0 && regex) {
            line = lineOf(text, Pattern.compile("(?i)\\bregexp\\b")); // EPL's operator: its code calls java.util.regex, not a named method
        }
        String hint = regex ? " — regular expressions: use matchesRegex(value, 'pattern') (or containsRegex to search), which run within a"
                + " budget; EPL's regexp and String.matches run Java's backtracking engine, which one pattern can hold for hours" : "";
        return List.of(new RuleError(file, line, 0, "rules may not use Java beyond their values: "
                + String.join(", ", refused) + hint + " — only EPL's built-in functions, event fields, string and number methods and the functions "
                + String.join(", ", new TreeSet<>(SINGLE_ROW_FUNCTIONS.keySet())) + " are allowed (see docs/operations.md, Rule isolation)"));
    }

    /**
     * Adds why class names did not resolve to Esper's "could not load class" messages, for the classes
     * refused since the last call (so one file's refusals are not reported again for the next file).
     */
    static List<RuleError> explain(List<RuleError> errors, Configuration configuration) {
        Object gate = configuration.getCommon().getTransientConfiguration().get(ClassForNameProvider.NAME);
        if (!(gate instanceof NameGate nameGate)) {
            return errors;
        }
        Set<String> refused = nameGate.drainRefused();
        if (refused.isEmpty()) {
            return errors;
        }
        String why = " — Java classes are not available to rules (refused: " + String.join(", ", refused) + "); see docs/operations.md, Rule isolation";
        return errors.stream().map(e -> new RuleError(e.file(), e.line(), e.column(), e.message() + why)).toList();
    }

    /** Forgets classes refused so far (before compiling the next file). */
    static void resetRefusals(Configuration configuration) {
        if (configuration.getCommon().getTransientConfiguration().get(ClassForNameProvider.NAME) instanceof NameGate gate) {
            gate.drainRefused();
        }
    }

    private static boolean memberAllowed(ClassFileReferences.Member member, Set<String> generated) {
        String owner = member.owner();
        if (owner.startsWith("[")) {
            return member.name().equals("clone") || member.name().equals("length"); // array methods
        }
        if (DENIED_MEMBERS.contains(owner + "." + member.name())) {
            return false;
        }
        if (TYPE_ONLY.containsKey(owner)) {
            return TYPE_ONLY.get(owner).contains(member.name());
        }
        if (isJavaClass(owner, generated) && isStatic(member) && !staticAllowed(owner, member.name())) {
            // A static method reached through a value (zone.setDefault(…), locale.setDefault(…)) is the
            // same call in byte code as one named by its class: only pure ones are allowed, either way.
            return false;
        }
        if (owner.equals(EVENT_CLASS)) {
            String name = member.name();
            // rules read events; they never build or change them
            return name.startsWith("get") || name.startsWith("is") || name.startsWith("has")
                    || name.equals("equals") || name.equals("hashCode") || name.equals("toString");
        }
        return classAllowed(owner, generated);
    }

    /** A JDK class (not Esper's, not generated, not ours). */
    private static boolean isJavaClass(String internalName, Set<String> generated) {
        return !generated.contains(internalName) && !internalName.startsWith(ESPER)
                && !internalName.equals(EVENT_CLASS) && !internalName.equals(FUNCTIONS_CLASS);
    }

    /**
     * Whether a referenced member is a static method or static state (a static field that is not a
     * constant): the constant pool does not say
     * (invokestatic and invokevirtual name members the same way), so the JDK class is asked. A member
     * that cannot be found is treated as static, which refuses it.
     */
    static boolean isStatic(ClassFileReferences.Member member) {
        if (member.name().equals("<init>")) {
            return false;
        }
        ClassLoader loader = RuleSandbox.class.getClassLoader();
        try {
            Class<?> owner = Class.forName(member.owner().replace('/', '.'), false, loader);
            if (member.isMethod()) {
                Class<?>[] parameters = java.lang.invoke.MethodType.fromMethodDescriptorString(member.descriptor(), loader).parameterArray();
                for (Class<?> c = owner; c != null; c = c.getSuperclass()) {
                    try {
                        return java.lang.reflect.Modifier.isStatic(c.getDeclaredMethod(member.name(), parameters).getModifiers());
                    } catch (NoSuchMethodException notDeclaredHere) {
                        // inherited: look further up
                    }
                }
                // an interface method (abstract or default) reached through a class or interface type
                for (java.lang.reflect.Method m : owner.getMethods()) {
                    if (m.getName().equals(member.name()) && java.util.Arrays.equals(m.getParameterTypes(), parameters)) {
                        return java.lang.reflect.Modifier.isStatic(m.getModifiers());
                    }
                }
                return true;
            }
            for (Class<?> c = owner; c != null; c = c.getSuperclass()) {
                try {
                    // A constant (static final: Long.TYPE, Calendar.YEAR) is a value; other static fields are JVM state.
                    int modifiers = c.getDeclaredField(member.name()).getModifiers();
                    return java.lang.reflect.Modifier.isStatic(modifiers) && !java.lang.reflect.Modifier.isFinal(modifiers);
                } catch (NoSuchFieldException notDeclaredHere) {
                    // inherited: look further up
                }
            }
            return true;
        } catch (ClassNotFoundException | LinkageError | IllegalArgumentException | TypeNotPresentException e) {
            return true;
        }
    }

    private static boolean classAllowed(String internalName, Set<String> generated) {
        return generated.contains(internalName)
                || internalName.startsWith(ESPER)
                || internalName.equals(EVENT_CLASS)
                || internalName.equals(FUNCTIONS_CLASS)
                || JAVA_CLASSES.contains(internalName)
                || JAVA_PACKAGES.stream().anyMatch(internalName::startsWith);
    }

    /** {@code [[Ljava/lang/String;} → {@code java/lang/String}; primitive arrays → null (always fine). */
    private static String elementType(String type) {
        String t = type;
        while (t.startsWith("[")) {
            t = t.substring(1);
        }
        if (t.length() == type.length()) {
            return type;
        }
        return t.startsWith("L") && t.endsWith(";") ? t.substring(1, t.length() - 1) : null;
    }

    private static String simpleName(String internalName) {
        String name = internalName.substring(internalName.lastIndexOf('/') + 1);
        return name.substring(name.lastIndexOf('$') + 1);
    }

    /** 1-based line of the first match in the text, 0 when absent. */
    private static int lineOf(String text, Pattern pattern) {
        Matcher m = pattern.matcher(text);
        return m.find() ? lineAt(text, m.start()) : 0;
    }

    private static int lineOf(String text, Pattern pattern, String group) {
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(group)) {
                return lineAt(text, m.start(1));
            }
        }
        return 0;
    }

    private static int lineAt(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /** The line a statement's text starts on, after the comments above it. */
    static int contentLine(ModuleItem item) {
        return Math.max(item.getLineNumberContent() > 0 ? item.getLineNumberContent() : item.getLineNumber(), 0);
    }

    private static boolean notEmpty(Collection<?> c) {
        return c != null && !c.isEmpty();
    }

    private static Map<String, Class<?>> nameable() {
        Map<String, Class<?>> m = new LinkedHashMap<>();
        for (Class<?> c : List.of(String.class, Integer.class, Long.class, Double.class, Float.class, Short.class, Byte.class,
                Boolean.class, Character.class, BigDecimal.class, BigInteger.class, CloudTrailEvent.class, RuleFunctions.class)) {
            m.put(c.getName(), c);
        }
        return Map.copyOf(m);
    }

    /**
     * Esper resolves every class name in EPL (static calls, {@code new}, casts, schema and variable
     * types, imports, annotation hooks) through this. Only {@link #NAMEABLE} classes resolve; an
     * existing class that was refused is remembered so the compile error can say why.
     */
    static final class NameGate implements ClassForNameProvider {
        private static final int MAX_REMEMBERED = 32;
        private final Set<String> refused = ConcurrentHashMap.newKeySet();

        @Override
        public Class classForName(String className) throws ClassNotFoundException {
            Class<?> allowed = NAMEABLE.get(className);
            if (allowed != null) {
                return allowed;
            }
            if (refused.size() < MAX_REMEMBERED && exists(className)) {
                refused.add(className);
            }
            throw new ClassNotFoundException(className + " is not available to rules");
        }

        Set<String> drainRefused() {
            Set<String> out = new TreeSet<>(refused);
            refused.removeAll(out);
            return out;
        }

        private static boolean exists(String className) {
            try {
                // initialize=false: looking a name up must not run the class's static initialiser
                Class.forName(className, false, RuleSandbox.class.getClassLoader());
                return true;
            } catch (ClassNotFoundException | LinkageError notThere) {
                return false;
            }
        }
    }
}
