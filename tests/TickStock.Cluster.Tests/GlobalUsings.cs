global using Xunit;

// Each test runs three daemons: one test at a time keeps the machine (2 cores in CI) able to run them.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

// Linux only: the partition test uses network namespaces (iproute2), the harness POSIX signals.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
