using System.Text;
using Akka.Configuration;

namespace TickStock.Actors.Hosting;

/// <summary>
/// The HOCON files of the repository's <c>hocon/</c> folder, embedded at build time so the binary
/// runs from any working directory. A file of the same name in <c>$TICKSTOCK_HOCON_DIR</c> (or
/// ./hocon) replaces the embedded copy, for operators who tune dispatchers without rebuilding.
/// </summary>
public static class HoconFiles
{
    private const string ResourcePrefix = "TickStock.Hocon.";

    public static Config Load(string fileName, string? overrideDirectory = null)
    {
        var directory = overrideDirectory ?? Environment.GetEnvironmentVariable("TICKSTOCK_HOCON_DIR") ?? "hocon";
        var onDisk = Path.Combine(directory, fileName);
        if (File.Exists(onDisk))
        {
            return ConfigurationFactory.ParseString(File.ReadAllText(onDisk));
        }

        var assembly = typeof(HoconFiles).Assembly;
        using var stream = assembly.GetManifestResourceStream(ResourcePrefix + fileName)
            ?? throw new FileNotFoundException($"HOCON file '{fileName}' is neither in '{directory}' nor embedded");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }
}
