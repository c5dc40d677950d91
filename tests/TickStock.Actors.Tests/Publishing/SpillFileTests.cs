using TickStock.Actors.Persistence;
using TickStock.Actors.Publishing;
using TickStock.Testing;

namespace TickStock.Actors.Tests.Publishing;

public class SpillFileTests
{
    [Fact]
    public async Task A_drain_inserts_the_file_a_failed_drain_left_and_everything_spilled_since_each_row_once()
    {
        await using var schema = await ScratchSchema.CreateAsync("spill");
        await new SchemaMigrator(schema.DataSource).MigrateAsync();
        var dir = Path.Combine(Path.GetTempPath(), "tickstock-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var spill = new SpillFile(Path.Combine(dir, "spill.jsonl"));
            var store = new IntegrationEventStore(schema.DataSource);
            var first = Rows(5, "first");
            var later = Rows(7, "later");
            await spill.AppendAsync(first);
            // A drain that renamed the file and then lost the database leaves it as .draining.
            File.Move(spill.Path, spill.Path + ".draining");
            await spill.AppendAsync(later);
            Assert.Equal(12, spill.RowsHeld);
            // A new run finds and counts both files (what `ctl pipeline` shows as spill_rows).
            var restarted = new SpillFile(spill.Path);
            Assert.Equal(12, restarted.RowsHeld);
            Assert.Equal(new FileInfo(spill.Path).Length + new FileInfo(spill.Path + ".draining").Length, restarted.BytesHeld);
            // One of the first rows made it in before the failure.
            await store.WriteAsync([first[0]]);

            var inserted = await spill.DrainAsync(store, batchSize: 3);

            Assert.Equal(11, inserted);
            Assert.Equal(0, spill.RowsHeld); // every row left the file, the one already present too
            Assert.Equal(0, spill.BytesHeld);
            Assert.Equal(12, await schema.ScalarAsync<long>("SELECT count(DISTINCT flow_id) FROM integration_events"));
            Assert.Equal(12, await schema.ScalarAsync<long>("SELECT count(*) FROM integration_events"));
            Assert.False(spill.HasRows);
            Assert.Equal(0, await spill.DrainAsync(store, batchSize: 3));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task At_its_bound_the_file_refuses_an_append_whole_counting_the_file_being_drained_too()
    {
        var dir = Path.Combine(Path.GetTempPath(), "tickstock-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var unbounded = new SpillFile(Path.Combine(dir, "probe.jsonl"));
            await unbounded.AppendAsync(Rows(1, "probe"));
            var oneRow = new FileInfo(unbounded.Path).Length;
            var spill = new SpillFile(Path.Combine(dir, "spill.jsonl"), maxBytes: oneRow * 5 + oneRow / 2);

            await spill.AppendAsync(Rows(3, "first"));
            File.Move(spill.Path, spill.Path + ".draining");
            await spill.AppendAsync(Rows(2, "second"));
            var before = new FileInfo(spill.Path).Length;

            await Assert.ThrowsAsync<SpillFileFullException>(() => spill.AppendAsync(Rows(1, "third")));

            Assert.Equal(before, new FileInfo(spill.Path).Length); // nothing half-written
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_relative_spill_path_lives_in_the_state_directory_whatever_the_working_directory()
    {
        var options = new TickStock.Actors.Configuration.TickStockOptions { StateDirectory = "/var/lib/tickstock" };

        Assert.Equal("/var/lib/tickstock/spill/integration_events.jsonl", options.StatePath(options.Pipeline.SpillPath));
        Assert.Equal("/tmp/elsewhere.jsonl", options.StatePath("/tmp/elsewhere.jsonl"));
        Assert.True(Path.IsPathRooted(new TickStock.Actors.Configuration.TickStockOptions().StateDirectory));
    }

    private static List<IntegrationRow> Rows(int n, string eventType) =>
        Enumerable.Range(0, n).Select(i => IntegrationRow.System(eventType, "PRODUCER_ALIVE", "{}", DateTimeOffset.UtcNow.AddMilliseconds(i))).ToList();
}
