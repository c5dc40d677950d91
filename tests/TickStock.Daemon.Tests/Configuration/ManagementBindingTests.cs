using System.Collections;
using System.Net;
using Microsoft.Extensions.Configuration;
using TickStock.Actors.Configuration;
using TickStock.Daemon.Configuration;
using TickStock.Daemon.Management;

namespace TickStock.Daemon.Tests.Configuration;

public class ManagementBindingTests
{
    private static TickStockOptions Bind(IDictionary environment) =>
        TickStockConfiguration.Bind(new ConfigurationBuilder().AddTickStockEnvironment(environment).Build());

    [Fact]
    public void The_default_is_loopback_port_9110()
    {
        var binding = ManagementBinding.From(Bind(new Hashtable()).Management);
        Assert.Equal(new ManagementBinding(IPAddress.Loopback, 9110), binding);
        Assert.True(binding!.IsLoopback);
    }

    [Theory]
    [InlineData("off")]
    [InlineData("OFF")]
    public void Off_disables_the_endpoint(string value) =>
        Assert.Null(ManagementBinding.From(Bind(new Hashtable { ["TICKSTOCK_HTTP"] = value }).Management));

    [Theory]
    [InlineData("127.0.0.1:0", "127.0.0.1", 0)]
    [InlineData("localhost:9200", "127.0.0.1", 9200)]
    [InlineData("[::1]:9110", "::1", 9110)]
    public void Loopback_bindings_need_no_token(string value, string address, int port)
    {
        var binding = ManagementBinding.From(Bind(new Hashtable { ["TICKSTOCK_HTTP"] = value }).Management);
        Assert.Equal(new ManagementBinding(IPAddress.Parse(address), port), binding);
    }

    [Theory]
    [InlineData("0.0.0.0:9110")]
    [InlineData("*:9110")]
    [InlineData("10.1.2.3:9110")]
    public void A_non_loopback_binding_without_a_token_is_refused_naming_the_token_variable(string value)
    {
        var ex = Assert.Throws<OptionsException>(() => Bind(new Hashtable { ["TICKSTOCK_HTTP"] = value }));
        Assert.Contains("TICKSTOCK_CTL_TOKEN", ex.Message, StringComparison.Ordinal);

        var withToken = Bind(new Hashtable { ["TICKSTOCK_HTTP"] = value, ["TICKSTOCK_CTL_TOKEN"] = "s3cret" });
        Assert.False(ManagementBinding.From(withToken.Management)!.IsLoopback);
    }

    [Theory]
    [InlineData("9110")]
    [InlineData("127.0.0.1:")]
    [InlineData("127.0.0.1:70000")]
    [InlineData("127.0.0.1:-1")]
    [InlineData("example.com:9110")]
    [InlineData("on")]
    public void Unusable_values_are_rejected_with_the_variable_named(string value)
    {
        var ex = Assert.Throws<OptionsException>(() => Bind(new Hashtable { ["TICKSTOCK_HTTP"] = value }));
        Assert.Contains($"TICKSTOCK_HTTP='{value}'", ex.Message, StringComparison.Ordinal);
    }
}
