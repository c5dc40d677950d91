using Xunit;

namespace TickStock.Core.Tests.Calendar;

/// <summary>
/// Exchange-time code must not depend on the host's zone. A test cannot swap TimeZoneInfo.Local,
/// so this guards the source instead; deploy/test.sh also runs the calendar, window and aggregation
/// tests under TZ=Asia/Tokyo, TZ=America/Los_Angeles and TZ=UTC.
/// </summary>
public sealed class HostZoneGuardTests
{
    private static readonly string[] Forbidden =
    [
        "TimeZoneInfo.Local", "DateTime.Now", "DateTimeOffset.Now", "DateTime.Today", "ToLocalTime",
        "FindSystemTimeZoneById", "TimeZoneInfo.ConvertTimeBySystemTimeZoneId",
    ];

    [Theory]
    [InlineData("Calendar")]
    [InlineData("Loading")]
    [InlineData("Universe")]
    [InlineData("Jobs")]
    [InlineData("Polygon")]
    [InlineData("Market")]
    public void Core_folder_never_reads_the_host_zone_or_clock(string folder)
    {
        var dir = Path.Combine(FindRepoRoot(), "src", "TickStock.Core", folder);
        var files = Directory.GetFiles(dir, "*.cs", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            foreach (var token in Forbidden)
            {
                Assert.False(text.Contains(token, StringComparison.Ordinal), $"{file} uses {token}");
            }
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "src", "TickStock.Core")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }
}
