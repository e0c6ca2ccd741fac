package io.bucketdns.cli;

import io.bucketdns.Service;
import io.bucketdns.answer.Answer;
import io.bucketdns.answer.RecordType;
import io.bucketdns.answer.ResourceRecord;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** Prints the answer the service would give, in dig's layout. */
@Command(name = "lookup", mixinStandardHelpOptions = true,
        description = "Print the answer bucketdns gives for NAME, in dig-like text, without starting any listener.")
final class LookupCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Parameters(index = "0", paramLabel = "NAME", description = "The name asked, e.g. foo.o.example.com")
    String name;

    @Parameters(index = "1", arity = "0..1", paramLabel = "TYPE", defaultValue = "A", description = "The record type (default: ${DEFAULT-VALUE})")
    String type;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        int qtype = RecordType.code(type);
        if (qtype < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "unknown record type '" + type + "'");
        }
        try (Service service = Service.loadCatalog(config.load())) {
            Answer a = service.authority().resolve(name, qtype);
            spec.commandLine().getOut().print(format(name, qtype, a));
            spec.commandLine().getOut().flush();
        }
        return 0;
    }

    static String format(String name, int qtype, Answer a) {
        StringBuilder b = new StringBuilder();
        String flags = a.zone() != null ? "qr aa" : "qr";
        b.append(";; ->>HEADER<<- status: ").append(a.rcode()).append(", flags: ").append(flags)
                .append("; ANSWER: ").append(a.answer().size()).append(", AUTHORITY: ").append(a.authority().size())
                .append("; rule: ").append(a.outcome()).append('\n');
        b.append("\n;; QUESTION SECTION:\n;").append(name.endsWith(".") ? name : name + ".")
                .append("\t\tIN\t").append(RecordType.name(qtype)).append('\n');
        section(b, "ANSWER", a.answer());
        section(b, "AUTHORITY", a.authority());
        return b.toString();
    }

    private static void section(StringBuilder b, String title, java.util.List<ResourceRecord> records) {
        if (!records.isEmpty()) {
            b.append("\n;; ").append(title).append(" SECTION:\n");
            records.forEach(r -> b.append(r).append('\n'));
        }
    }
}
