using Commet.Server.Persistence;
using Npgsql;

namespace Commet.Server.Tests;

/// <summary>The Npgsql settings the server adds to an operator's PostgreSQL connection string, and the one it refuses.</summary>
public sealed class ConnectionStringTests
{
    [Fact]
    public void PoolDefaults_AreAdded_WhenTheStringDoesNotSetThem()
    {
        var result = new NpgsqlConnectionStringBuilder(Database.WithPoolDefaults("Host=db.internal;Username=commet;Database=billing"));

        Assert.True(result.NoResetOnClose);
        Assert.Equal(32, result.MaxAutoPrepare);
        Assert.Equal("db.internal", result.Host);
        Assert.Equal("billing", result.Database);
    }

    [Fact]
    public void PoolDefaults_KeepWhatTheOperatorSet()
    {
        var result = new NpgsqlConnectionStringBuilder(Database.WithPoolDefaults("Host=db;Database=billing;No Reset On Close=false;Max Auto Prepare=0"));

        Assert.False(result.NoResetOnClose);
        Assert.Equal(0, result.MaxAutoPrepare);
    }

    [Fact]
    public void PoolDefaults_ApplyToAPostgresUrl()
    {
        var result = new NpgsqlConnectionStringBuilder(Database.WithPoolDefaults(Database.ToNpgsqlConnectionString("postgres://commet:secret@db:6543/billing")));

        Assert.Equal(6543, result.Port);
        Assert.True(result.NoResetOnClose);
        Assert.Equal(32, result.MaxAutoPrepare);
    }

    [Theory]
    [InlineData("Host=db;Database=billing;Multiplexing=true")]
    [InlineData("Host=db;Database=billing;multiplexing=True")]
    public void Multiplexing_IsRefusedWithAMessageThatSaysWhat(string connectionString)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Database.WithPoolDefaults(connectionString));

        Assert.Contains("Multiplexing=true", error.Message, StringComparison.Ordinal);
        Assert.Contains("COMMET_DATABASE_URL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Multiplexing_InAPostgresUrlsQuery_IsRefusedToo()
    {
        var fromUrl = Database.ToNpgsqlConnectionString("postgres://commet:secret@db:5432/billing?Multiplexing=true");

        var error = Assert.Throws<InvalidOperationException>(() => Database.WithPoolDefaults(fromUrl));

        Assert.Contains("Multiplexing=true", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MultiplexingFalse_IsAccepted()
    {
        var result = new NpgsqlConnectionStringBuilder(Database.WithPoolDefaults("Host=db;Database=billing;Multiplexing=false"));

        Assert.False(result.Multiplexing);
    }
}
