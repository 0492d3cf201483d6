using ClosedLoop.Core.Configuration;
using Xunit;

namespace ClosedLoop.Configuration.Tests;

public class TomlDocumentTests
{
    [Fact]
    public void Parse_InterleavedArraysOfTables_KeepsEveryEntryInDocumentOrder()
    {
        var doc = TomlDocument.Parse("""
            [[a]]
            x = 1
            [[b]]
            y = 1
            [other]
            z = true
            [[a]]
            x = 2
            [[b]]
            y = 2
            [[a]]
            x = 3
            """);

        Assert.Equal([1L, 2L, 3L], doc.GetTableArray("a").Select(t => t.RequireInteger("x")));
        Assert.Equal([1L, 2L], doc.GetTableArray("b").Select(t => t.RequireInteger("y")));
        Assert.Equal(["a[0]", "a[1]", "a[2]"], doc.GetTableArray("a").Select(t => t.Path));
        Assert.True(doc.GetTable("other")!.GetBool("z", false));
    }

    [Fact]
    public void Parse_SubTablesAndNestedArrays_BelongToTheLastEntry()
    {
        var doc = TomlDocument.Parse("""
            [[channel]]
            name = "a"
            [channel.limits]
            max = 1
            [[channel]]
            name = "b"
            limits = { max = 2 }
            [outputs]
            rate_bin_ms = 5
            [[outputs.trace]]
            variable = "v"
            [[outputs.trace]]
            variable = "u"
            """);

        var channels = doc.GetTableArray("channel");
        Assert.Equal(1, channels[0].GetTable("limits")!.RequireDouble("max"));
        Assert.Equal(2, channels[1].GetTable("limits")!.RequireDouble("max"));
        Assert.Equal("channel[0].limits", channels[0].GetTable("limits")!.Path);
        var traces = doc.GetTable("outputs")!.GetTableArray("trace");
        Assert.Equal(["outputs.trace[0]", "outputs.trace[1]"], traces.Select(t => t.Path));
    }

    [Fact]
    public void Parse_DottedKeysAndValues_ReadAsTablesNumbersAndArrays()
    {
        var doc = TomlDocument.Parse("a.b = 1\nc = [1, 2.5, inf]\nd = nan\ne = \"x\\ty\"\n'quoted key' = -3\n");

        Assert.Equal(1, doc.GetTable("a")!.RequireInteger("b"));
        var c = Assert.IsType<ConfigArray>(doc.GetRaw("c"));
        Assert.Equal([1L, 2.5, double.PositiveInfinity], c.Cast<object>());
        Assert.True(double.IsNaN(doc.RequireDouble("d")));
        Assert.Equal("x\ty", doc.RequireString("e"));
        Assert.Equal(-3, doc.RequireInteger("quoted key"));
    }

    [Theory]
    [InlineData("a = 1\na = 2\n", "a", "duplicate key")]
    [InlineData("[t]\nx = 1\nx = 2\n", "t.x", "duplicate key")]
    [InlineData("[[p]]\nn = 1\n[[p]]\nn = 1\nn = 2\n", "p[1].n", "duplicate key")]
    [InlineData("t = { x = 1, x = 2 }\n", "t.x", "duplicate key")]
    [InlineData("[t]\n[t]\n", "t", "defined twice")]
    [InlineData("t = 1\n[t]\n", "t", "already holds a value")]
    [InlineData("[[t]]\n[t]\n", "t", "names an array of tables")]
    [InlineData("[t]\n[[t]]\n", "t", "already a table")]
    [InlineData("t = { x = 1 }\n[t.y]\n", "t", "already holds a value")]
    [InlineData("a = 1\na.b = 2\n", "a", "already holds a value")]
    public void Parse_KeyDefinedTwice_NamesTheField(string toml, string field, string problem)
    {
        var ex = Assert.Throws<ConfigException>(() => TomlDocument.Parse(toml));
        Assert.Equal(field, ex.Field);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SyntaxError_IsAConfigExceptionForTheWholeDocument()
    {
        var ex = Assert.Throws<ConfigException>(() => TomlDocument.Parse("x = = 1", "scenario"));
        Assert.Equal("", ex.Field);
        Assert.StartsWith("config error: the scenario is not valid TOML", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpectOnly_UnknownKeyOrSection_NamesItAndListsTheAllowedOnes()
    {
        var doc = TomlDocument.Parse("[t]\nok = 1\ntypo = 2\n[extra]\n");
        var ex = Assert.Throws<ConfigException>(() => doc.GetTable("t")!.ExpectOnly("ok"));
        Assert.Equal("t.typo", ex.Field);
        Assert.Equal("config error in 't.typo': unknown key; expected one of: ok", ex.Message);
        ex = Assert.Throws<ConfigException>(() => doc.ExpectOnly("t"));
        Assert.Equal("config error in 'extra': unknown section; expected one of: t", ex.Message);
    }
}
