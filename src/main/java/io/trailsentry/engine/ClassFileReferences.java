package io.trailsentry.engine;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one compiled class refers to, read from its constant pool: the classes it names and the
 * fields and methods it uses ({@code owner.member}, internal names like {@code java/lang/String}).
 * Byte code can only call what its constant pool names, so this is the complete list of what a
 * compiled rule can touch, whatever EPL syntax produced it.
 */
record ClassFileReferences(Set<String> classes, List<Member> members) {

    /**
     * A field or method reference; {@code owner} is an internal class name, {@code descriptor} the
     * JVM descriptor ({@code (Ljava/util/TimeZone;)V} for a method, {@code I} for a field).
     */
    record Member(String owner, String name, String descriptor) {
        boolean isMethod() {
            return descriptor.startsWith("(");
        }

        String display() {
            return owner.replace('/', '.') + "." + name;
        }
    }

    private static final int UTF8 = 1, INTEGER = 3, FLOAT = 4, LONG = 5, DOUBLE = 6, CLASS = 7, STRING = 8,
            FIELD = 9, METHOD = 10, INTERFACE_METHOD = 11, NAME_AND_TYPE = 12, METHOD_HANDLE = 15, METHOD_TYPE = 16,
            DYNAMIC = 17, INVOKE_DYNAMIC = 18, MODULE = 19, PACKAGE = 20;

    /** @throws IllegalArgumentException when the bytes are not a class file this reader understands */
    static ClassFileReferences read(byte[] classFile) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile))) {
            if (in.readInt() != 0xCAFEBABE) {
                throw new IllegalArgumentException("not a class file");
            }
            in.readUnsignedShort(); // minor version
            in.readUnsignedShort(); // major version
            int count = in.readUnsignedShort();
            int[] tags = new int[count];
            String[] utf8 = new String[count];
            int[] first = new int[count];
            int[] second = new int[count];
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                tags[i] = tag;
                switch (tag) {
                    case UTF8 -> utf8[i] = in.readUTF();
                    case INTEGER, FLOAT -> in.readInt();
                    case LONG, DOUBLE -> {
                        in.readLong();
                        i++; // eight-byte constants take two slots
                    }
                    case CLASS, STRING, METHOD_TYPE, MODULE, PACKAGE -> first[i] = in.readUnsignedShort();
                    case FIELD, METHOD, INTERFACE_METHOD, NAME_AND_TYPE, DYNAMIC, INVOKE_DYNAMIC -> {
                        first[i] = in.readUnsignedShort();
                        second[i] = in.readUnsignedShort();
                    }
                    case METHOD_HANDLE -> {
                        in.readUnsignedByte();
                        first[i] = in.readUnsignedShort();
                    }
                    default -> throw new IllegalArgumentException("unknown constant pool tag " + tag + " at entry " + i);
                }
            }
            Set<String> classes = new LinkedHashSet<>();
            List<Member> members = new ArrayList<>();
            for (int i = 1; i < count; i++) {
                switch (tags[i]) {
                    case CLASS -> classes.add(utf8[first[i]]);
                    case FIELD, METHOD, INTERFACE_METHOD -> {
                        String owner = utf8[first[first[i]]];
                        String name = utf8[first[second[i]]];
                        String descriptor = utf8[second[second[i]]];
                        members.add(new Member(owner, name, descriptor));
                    }
                    // Dynamic call sites name a bootstrap method, not a member the pool lists: the
                    // sandbox refuses them outright (Esper's generated code has none).
                    case DYNAMIC, INVOKE_DYNAMIC -> members.add(new Member("(invokedynamic)", "#" + i, ""));
                    default -> {
                    }
                }
            }
            return new ClassFileReferences(classes, members);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated class file: " + e.getMessage(), e);
        }
    }
}
