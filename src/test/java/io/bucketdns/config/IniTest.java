package io.bucketdns.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.bucketdns.config.Ini.Entry;
import io.bucketdns.config.Ini.Part;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every promise of the INI reader (README "Configuration", docs/CONFIGURATION.md "The file"), one case each. */
class IniTest {
    private static final Path FILE = Path.of("/etc/ceph/rgw-pdns.conf");

    private static Ini parse(String text) {
        return Ini.parse(FILE, text.lines().toList());
    }

    /** The error {@code text} is refused with, checked to be a ConfigException so that each case states only its message. */
    private static ConfigException refused(String text) {
        Throwable thrown = catchThrowable(() -> parse(text));
        assertThat(thrown).isInstanceOf(ConfigException.class);
        return (ConfigException) thrown;
    }

    private static Entry entry(Ini ini, String section, String key) {
        Map<String, Entry> s = ini.sections().get(section);
        assertThat(s).as("section [%s]", section).isNotNull();
        assertThat(s).as("key %s in [%s]", key, section).containsKey(key);
        return s.get(key);
    }

    private static String value(Ini ini, String section, String key) {
        return entry(ini, section, key).value();
    }

    @Test
    void sectionHeadersHoldTheirKeysInFileOrderWithLineNumbers() {
        Ini ini = parse("""
                [powerdns]
                listen_port = 6780

                [catalog]
                source = file
                file = buckets.txt
                """);
        assertThat(ini.file()).isEqualTo(FILE);
        assertThat(ini.sections()).containsOnlyKeys("powerdns", "catalog");
        assertThat(ini.sections().keySet()).containsExactly("powerdns", "catalog");
        assertThat(ini.sections().get("catalog").keySet()).containsExactly("source", "file");
        assertThat(entry(ini, "powerdns", "listen_port")).isEqualTo(new Entry("6780", 2, List.of(new Part("6780", 2))));
        assertThat(entry(ini, "catalog", "file").line()).isEqualTo(6);
        assertThat(ini.sectionLine("powerdns")).isEqualTo(1);
        assertThat(ini.sectionLine("catalog")).isEqualTo(4);
        assertThat(ini.sectionLine("dns")).as("absent").isZero();
    }

    @Test
    void keyEqualsValueAndKeyColonValueBothWorkAndTheFirstSeparatorWins() {
        Ini ini = parse("""
                [powerdns]
                listen_addr = 127.0.0.1
                dns_zone: o.example.com
                rgw_endpoint = http://10.0.0.1:7480
                odd: a=b
                tight=1
                """);
        assertThat(value(ini, "powerdns", "listen_addr")).isEqualTo("127.0.0.1");
        assertThat(value(ini, "powerdns", "dns_zone")).isEqualTo("o.example.com");
        assertThat(value(ini, "powerdns", "rgw_endpoint")).as("a ':' after the '=' is in the value").isEqualTo("http://10.0.0.1:7480");
        assertThat(value(ini, "powerdns", "odd")).as("an '=' after the ':' is in the value").isEqualTo("a=b");
        assertThat(value(ini, "powerdns", "tight")).isEqualTo("1");
    }

    @Test
    void keysAreCaseInsensitiveSectionNamesAreNot() {
        Ini ini = parse("""
                [powerdns]
                DNS_Zone = O.Example.COM
                [PowerDNS]
                Debug = True
                """);
        assertThat(ini.sections().get("powerdns")).containsOnlyKeys("dns_zone");
        assertThat(value(ini, "powerdns", "dns_zone")).as("values keep their case").isEqualTo("O.Example.COM");
        assertThat(ini.sections().get("PowerDNS")).as("as in ConfigParser, sections are case-sensitive").containsOnlyKeys("debug");
    }

    @Test
    void wholeLineCommentsWithHashOrSemicolonAreSkippedEvenIndented() {
        Ini ini = parse("""
                # a comment
                ; another
                [powerdns]
                #listen_port = 1
                ;listen_addr = 10.0.0.1
                dns_soa_record = ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 60
                                               ; unset: the seed's names and timers
                    # indented hash comment
                dns_soa_ttl = 3600
                """);
        assertThat(ini.sections().get("powerdns")).containsOnlyKeys("dns_soa_record", "dns_soa_ttl");
        assertThat(entry(ini, "powerdns", "dns_soa_record"))
                .as("an indented comment under a key (README's example) is no continuation")
                .isEqualTo(new Entry("ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 60", 6,
                        List.of(new Part("ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 60", 6))));
        assertThat(entry(ini, "powerdns", "dns_soa_ttl").line()).isEqualTo(9);
    }

    @Test
    void inlineCommentsStartOnlyAfterWhitespace() {
        Ini ini = parse("""
                [powerdns]
                semicolon = 127.0.0.1   ; remote-backend listener
                hash = 6780 # port
                tab = x\t;tab before
                semi_inside = a;b
                hash_inside = a#b
                only_comment = ; nothing
                """);
        assertThat(value(ini, "powerdns", "semicolon")).isEqualTo("127.0.0.1");
        assertThat(value(ini, "powerdns", "hash")).isEqualTo("6780");
        assertThat(value(ini, "powerdns", "tab")).isEqualTo("x");
        assertThat(value(ini, "powerdns", "semi_inside")).isEqualTo("a;b");
        assertThat(value(ini, "powerdns", "hash_inside")).isEqualTo("a#b");
        assertThat(entry(ini, "powerdns", "only_comment")).isEqualTo(new Entry("", 7, List.of()));
    }

    @Test
    void continuationLinesAreJoinedWithASpaceAndKeptAsPartsWithTheirLines() {
        Ini ini = parse("""
                [zone.o.example.com]
                records =
                    www  CNAME  lb.example.com.   ; the web site
                \t_acme  TXT  "token"

                    mail MX 10 mx.example.com.
                next = 1
                """);
        Entry records = entry(ini, "zone.o.example.com", "records");
        assertThat(records.value()).isEqualTo("www  CNAME  lb.example.com. _acme  TXT  \"token\" mail MX 10 mx.example.com.");
        assertThat(records.line()).as("the key's line").isEqualTo(2);
        assertThat(records.parts()).containsExactly(
                new Part("www  CNAME  lb.example.com.", 3),
                new Part("_acme  TXT  \"token\"", 4),
                new Part("mail MX 10 mx.example.com.", 6));
        assertThat(value(ini, "zone.o.example.com", "next")).isEqualTo("1");
    }

    @Test
    void aValueOnTheKeysLineIsTheFirstPart() {
        Ini ini = parse("""
                [powerdns]
                dns_zone = o.example.com,
                    s3.example.net
                """);
        assertThat(entry(ini, "powerdns", "dns_zone")).isEqualTo(new Entry("o.example.com, s3.example.net", 2,
                List.of(new Part("o.example.com,", 2), new Part("s3.example.net", 3))));
    }

    @Test
    void anIndentedLineRightAfterAHeaderIsAKey() {
        Ini ini = parse("""
                [powerdns]
                    listen_port = 6780
                """);
        assertThat(value(ini, "powerdns", "listen_port")).isEqualTo("6780");
    }

    @Test
    void aUtf8ByteOrderMarkOnTheFirstLineIsIgnored() {
        Ini ini = Ini.parse(FILE, List.of("\uFEFF[powerdns]", "listen_port = 6780"));
        assertThat(ini.sections()).containsOnlyKeys("powerdns");
        assertThat(ini.sectionLine("powerdns")).isEqualTo(1);
        assertThat(value(ini, "powerdns", "listen_port")).isEqualTo("6780");
    }

    @Test
    void percentSignsAreLiteralNoInterpolation() {
        Ini ini = parse("""
                [powerdns]
                rgw_secret_key = 100%%pure%(rgw_access_key)s
                """);
        assertThat(value(ini, "powerdns", "rgw_secret_key")).isEqualTo("100%%pure%(rgw_access_key)s");
    }

    @Test
    void defaultIsAnOrdinarySection() {
        Ini ini = parse("""
                [DEFAULT]
                debug = true
                [powerdns]
                listen_port = 6780
                """);
        assertThat(ini.sections()).containsOnlyKeys("DEFAULT", "powerdns");
        assertThat(ini.sections().get("powerdns")).as("nothing inherited from [DEFAULT]").containsOnlyKeys("listen_port");
        assertThat(value(ini, "DEFAULT", "debug")).isEqualTo("true");
    }

    @Test
    void theSameKeyInTwoSectionsIsFine() {
        Ini ini = parse("""
                [powerdns]
                dns_default_ttl = 60
                [zone.o.example.com]
                dns_default_ttl = 30
                """);
        assertThat(value(ini, "powerdns", "dns_default_ttl")).isEqualTo("60");
        assertThat(value(ini, "zone.o.example.com", "dns_default_ttl")).isEqualTo("30");
    }

    @Test
    void aSectionTwiceIsAnErrorNamingBothLines() {
        ConfigException e = refused("""
                [powerdns]
                listen_port = 6780
                [catalog]
                [powerdns]
                """);
        assertThat(e).hasMessage("/etc/ceph/rgw-pdns.conf:4: section [powerdns] appears twice (first on line 1); fix: merge the two sections");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.file()).isEqualTo(FILE);
    }

    @Test
    void aKeyTwiceIsAnErrorNamingBothLinesWhateverItsCase() {
        assertThat(refused("""
                [powerdns]
                debug = false
                # changed my mind
                Debug: true
                """))
                .hasMessage("/etc/ceph/rgw-pdns.conf:4: key 'debug' appears twice in its section (first on line 2); fix: keep one of them");
    }

    @Test
    void aKeyBeforeAnySectionIsAnError() {
        assertThat(refused("""
                # rgw-pdns.conf
                Listen_Port = 6780
                [powerdns]
                """))
                .hasMessage("/etc/ceph/rgw-pdns.conf:2: key 'Listen_Port' comes before any [section];"
                        + " fix: put it under a section header such as [powerdns]");
    }

    @Test
    void aLineThatIsNotKeyEqualsValueIsAnError() {
        assertThat(refused("[powerdns]\nlisten_port 6780\n"))
                .hasMessage("/etc/ceph/rgw-pdns.conf:2: 'listen_port 6780' is not 'key = value', a [section] or a comment;"
                        + " fix: write key = value, or start the line with # to comment it out");
        assertThat(refused("[powerdns]\n= 6780\n")).as("no key before the '='")
                .hasMessage("/etc/ceph/rgw-pdns.conf:2: '= 6780' is not 'key = value', a [section] or a comment;"
                        + " fix: write key = value, or start the line with # to comment it out");
    }

    @Test
    void aLongBadLineIsAbbreviatedInTheMessage() {
        String line = "x".repeat(80);
        assertThat(refused("[powerdns]\n" + line + "\n"))
                .hasMessageStartingWith("/etc/ceph/rgw-pdns.conf:2: '" + "x".repeat(57) + "...' is not 'key = value'");
    }

    @Test
    void aHeaderWithoutClosingBracketIsAnError() {
        assertThat(refused("[powerdns\nlisten_port = 6780\n"))
                .hasMessage("/etc/ceph/rgw-pdns.conf:1: section header '[powerdns' has no closing ']'; fix: write it as [name]");
    }

    @Test
    void anEmptySectionNameIsAnError() {
        assertThat(refused("# x\n[]\n"))
                .hasMessage("/etc/ceph/rgw-pdns.conf:2: empty section name '[]'; fix: name the section, e.g. [powerdns]");
        assertThat(refused("[   ]\n"))
                .hasMessage("/etc/ceph/rgw-pdns.conf:1: empty section name '[]'; fix: name the section, e.g. [powerdns]");
    }

    /**
     * Python's ConfigParser continues a value only with lines indented deeper than its key's line:
     * {@code configparser.ConfigParser().read_string("[s]\n  a = 1\n  b = 2\n")} gives {@code
     * {'a': '1', 'b': '2'}}.
     */
    @Test
    void keysIndentedAlikeAreSeparateKeysAsInConfigParser() {
        Ini ini = parse("[s]\n  a = 1\n  b = 2\n");
        assertThat(ini.sections().get("s")).containsOnlyKeys("a", "b");
        assertThat(entry(ini, "s", "a")).isEqualTo(new Entry("1", 2, List.of(new Part("1", 2))));
        assertThat(entry(ini, "s", "b")).isEqualTo(new Entry("2", 3, List.of(new Part("2", 3))));
    }

    /** As ConfigParser: {@code "[s]\n  a = 1\n  b = 2\n    c\n d = 3\n"} gives {@code b = "2\nc"}, {@code d = "3"}. */
    @Test
    void onlyLinesDeeperThanTheirKeyContinueIt() {
        Ini ini = parse("""
                [s]
                  a = 1
                  b = 2
                    c
                   d
                 e = 3
                """);
        assertThat(ini.sections().get("s")).containsOnlyKeys("a", "b", "e");
        assertThat(entry(ini, "s", "b")).as("any indent past the key's continues, not only the first one's")
                .isEqualTo(new Entry("2 c d", 3, List.of(new Part("2", 3), new Part("c", 4), new Part("d", 5))));
        assertThat(entry(ini, "s", "e")).as("shallower than the key is a new key").isEqualTo(new Entry("3", 6, List.of(new Part("3", 6))));
    }

    /** ConfigParser counts characters, so a tab is as deep as one space. */
    @Test
    void aTabIndentsOneCharacter() {
        Ini ini = parse("[s]\n  a = 1\n\tb = 2\n\t   more\n");
        assertThat(ini.sections().get("s")).containsOnlyKeys("a", "b");
        assertThat(value(ini, "s", "b")).isEqualTo("2 more");
    }

    @Test
    void anIndentedHeaderAfterAKeyAtTheMarginIsAContinuation() {
        Ini ini = parse("[s]\na = 1\n  [t]\nb = 2\n");
        assertThat(ini.sections()).as("as in ConfigParser, which reads a = '1\\n[t]'").containsOnlyKeys("s");
        assertThat(value(ini, "s", "a")).isEqualTo("1 [t]");
        assertThat(value(ini, "s", "b")).isEqualTo("2");
    }

    @Test
    void emptyValuesAreEmptyStringsWithNoParts() {
        Ini ini = parse("[s]\nequals =\ncolon:\nspaces =    \n");
        assertThat(entry(ini, "s", "equals")).isEqualTo(new Entry("", 2, List.of()));
        assertThat(entry(ini, "s", "colon")).isEqualTo(new Entry("", 3, List.of()));
        assertThat(entry(ini, "s", "spaces")).isEqualTo(new Entry("", 4, List.of()));
    }

    @Test
    void whitespaceAroundKeysAndValuesIsTrimmedButNotInside() {
        Ini ini = parse("[zone.o.example.com]\n\t key one \t=  a  b \t\n");
        assertThat(ini.sections()).containsOnlyKeys("zone.o.example.com");
        assertThat(ini.sections().get("zone.o.example.com")).containsOnlyKeys("key one");
        assertThat(value(ini, "zone.o.example.com", "key one")).isEqualTo("a  b");
    }
}
