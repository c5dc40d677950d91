using TickStock.Actors.Persistence;

namespace TickStock.Actors.Tests.Persistence;

public class SchemaShapeTests
{
    private static readonly SchemaShape Expected = new(SchemaObjectKind.Table, "t",
        ["column id integer not null default nextval(sequence)", "column confidence numeric(3,2)", "primary key (id)"]);

    [Fact]
    public void Same_columns_in_another_order_match()
    {
        var existing = Expected with { Parts = [Expected.Parts[1], Expected.Parts[0], Expected.Parts[2]] };
        Assert.Null(Expected.DifferenceFrom(existing));
    }

    [Fact]
    public void A_different_type_is_named()
    {
        var existing = Expected with { Parts = [Expected.Parts[0], "column confidence numeric(5,2)", Expected.Parts[2]] };
        var difference = Expected.DifferenceFrom(existing);
        Assert.NotNull(difference);
        Assert.Contains("column confidence numeric(5,2)", difference, StringComparison.Ordinal);
        Assert.Contains("numeric(3,2)", difference, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_column_is_named()
    {
        var existing = Expected with { Parts = [Expected.Parts[0], Expected.Parts[2]] };
        Assert.Equal("t: missing column confidence numeric(3,2)", Expected.DifferenceFrom(existing));
    }

    [Fact]
    public void An_extra_nullable_column_is_tolerated_but_an_extra_required_one_is_not()
    {
        var nullable = Expected with { Parts = [.. Expected.Parts, "column note text"] };
        var required = Expected with { Parts = [.. Expected.Parts, "column note text not null"] };
        Assert.Null(Expected.DifferenceFrom(nullable));
        Assert.Contains("extra required column note", Expected.DifferenceFrom(required), StringComparison.Ordinal);
    }

    [Fact]
    public void A_view_with_reordered_columns_differs()
    {
        var view = new SchemaShape(SchemaObjectKind.View, "v", ["column a integer", "column b text"]);
        var swapped = view with { Parts = ["column b text", "column a integer"] };
        Assert.Contains("has column b text where the contract has column a integer", view.DifferenceFrom(swapped), StringComparison.Ordinal);
    }

    [Fact]
    public void A_view_where_a_table_is_expected_differs()
    {
        var view = Expected with { Kind = SchemaObjectKind.View };
        Assert.Equal("t exists as a view, expected a table", Expected.DifferenceFrom(view));
    }
}
