using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using NpgsqlTypes;

namespace Commet.Server.Persistence;

/// <summary>
/// PostgreSQL: writes new rows with one binary COPY per table, in the context's own transaction, instead of one
/// INSERT each when the context saves. <see cref="TakeAdded"/> takes the entities of the given types that a unit of
/// work has added out of the change tracker (so SaveChanges leaves them alone); <see cref="WriteAsync"/> writes them.
/// The table's constraints hold for COPY as for INSERT (a duplicate key fails the COPY, and so the transaction).
/// The billing engine uses it for the invoices, lines, charges and events of a chunk, which are most of the chunk's
/// cost. Columns are read from the EF model, so they follow the mapping.
/// </summary>
public static class BulkCopy
{
    /// <summary>Whether <paramref name="db"/> can write rows by COPY (PostgreSQL); elsewhere rows are saved one INSERT each.</summary>
    public static bool IsSupported(CommetDb db) => db.IsPostgres;

    /// <summary>New rows taken from a context, by table, in the order they were added.</summary>
    public sealed class Rows
    {
        internal List<(IEntityType Type, List<object> Entities)> Tables { get; } = [];

        /// <summary>The entities of one type (say, to fill in a value before they are written).</summary>
        public IEnumerable<T> Of<T>() => Tables.SelectMany(t => t.Entities).OfType<T>();

        /// <summary>Every string value about to be written.</summary>
        public IEnumerable<string> Strings() => Tables.SelectMany(Strings);

        /// <summary>
        /// Moves out, into rows of their own, the tables that reference none of the other tables held here (by a foreign
        /// key of the model) and whose rows pass <paramref name="ready"/>; what stays here is written after them. A key for
        /// which <paramref name="deferred"/> says true does not count: its check waits for the commit.
        /// </summary>
        public Rows TakeIndependent(Func<string, bool> ready, Func<IForeignKey, bool>? deferred = null)
        {
            var held = Tables.Where(t => t.Entities.Count > 0).Select(t => t.Type).ToHashSet();
            var taken = new Rows();
            foreach (var table in Tables.ToList())
            {
                var references = table.Type.GetForeignKeys().Any(fk => fk.PrincipalEntityType != table.Type && held.Contains(fk.PrincipalEntityType)
                    && deferred?.Invoke(fk) != true);
                if (!references && !Strings(table).Any(text => !ready(text)))
                {
                    taken.Tables.Add(table);
                    Tables.Remove(table);
                }
            }
            return taken;
        }

        /// <summary>
        /// Adds new rows that were built outside the change tracker (never added to it), to be written as the taken ones
        /// are. Cheaper than adding them to a context and taking them out again: EF Core never sees them.
        /// </summary>
        public Rows Add<T>(CommetDb db, IReadOnlyCollection<T> entities) where T : class
        {
            Tables.Add((Writable(db, typeof(T)), new List<object>(entities)));
            return this;
        }

        private static IEnumerable<string> Strings((IEntityType Type, List<object> Entities) table) =>
            from property in table.Type.GetProperties()
            where property.ClrType == typeof(string)
            from entity in table.Entities
            let value = property.GetGetter().GetClrValueUsingContainingEntity(entity) as string
            where value is not null
            select value;
    }

    /// <summary>Takes the added entities of the given types out of the change tracker, to be written by <see cref="WriteAsync"/>.</summary>
    public static Rows TakeAdded(CommetDb db, IReadOnlyList<Type> types)
    {
        var added = db.ChangeTracker.Entries().Where(e => e.State == EntityState.Added).ToList();
        var rows = new Rows();
        foreach (var type in types)
        {
            var entityType = Writable(db, type);
            var entries = added.Where(e => e.Metadata == entityType).ToList();
            rows.Tables.Add((entityType, entries.Select(e => e.Entity).ToList()));
            foreach (var entry in entries)
            {
                entry.State = EntityState.Detached;
            }
        }
        return rows;
    }

    /// <summary>The entity type of <paramref name="type"/>, which must be mapped and have no shadow properties (they cannot be read from the entity).</summary>
    private static IEntityType Writable(CommetDb db, Type type)
    {
        var entityType = db.Model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not mapped.");
        if (entityType.GetProperties().Any(p => p.IsShadowProperty()))
        {
            throw new NotSupportedException($"BulkCopy does not write shadow properties ({entityType.DisplayName()}).");
        }
        return entityType;
    }

    /// <summary>
    /// Writes the rows. A unique violation is reported as EF reports one from SaveChanges (a <see cref="DbUpdateException"/>
    /// around the <see cref="PostgresException"/>), so callers handle a duplicate key the same way on both paths.
    /// </summary>
    public static async Task WriteAsync(CommetDb db, Rows rows, CancellationToken ct)
    {
        try
        {
            await CopyAsync(db, rows, ct);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new DbUpdateException("A row written by COPY violates a unique index.", ex);
        }
    }

    private static async Task CopyAsync(CommetDb db, Rows rows, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        foreach (var (entityType, entities) in rows.Tables)
        {
            if (entities.Count == 0)
            {
                continue;
            }
            var shape = Shapes.GetOrAdd(entityType, TableShape.Of);
            // The rows are encoded here, in COPY's binary format, and sent as raw bytes: NpgsqlBinaryImporter resolves,
            // binds and writes each value as a parameter of its own (an async call per value), which was the largest part
            // of a batch's server CPU. The encodings are those of Npgsql's converters for these six wire types.
            using var encoder = new CopyEncoder();
            encoder.Header(shape.Getters.Length);
            await using var stream = await connection.BeginRawBinaryCopyAsync(shape.Copy, ct);
            foreach (var entity in entities)
            {
                encoder.StartRow();
                for (var i = 0; i < shape.Getters.Length; i++)
                {
                    var value = shape.Getters[i].GetClrValueUsingContainingEntity(entity);
                    if (shape.Converters[i] is { } converter)
                    {
                        value = converter.ConvertToProvider(value);
                    }
                    encoder.Value(shape.DbTypes[i], value);
                }
                if (encoder.Length >= CopyEncoder.FlushAt)
                {
                    await stream.WriteAsync(encoder.Written, ct);
                    encoder.Clear();
                }
            }
            encoder.Trailer();
            await stream.WriteAsync(encoder.Written, ct);
        }
    }

    /// <summary>
    /// Appends to <paramref name="sql"/> one <c>INSERT INTO table (columns) SELECT * FROM unnest(one array per column)</c>
    /// per table of <paramref name="rows"/> that has rows, with the arrays as parameters of <paramref name="command"/>,
    /// and returns how many rows they insert. For the few rows of a group of single usage events this is cheaper than
    /// COPY: it travels in the command the caller sends anyway (COPY costs two round trips of its own per table, during
    /// which the group's row locks are held), and its text is the same whatever the number of rows, so it stays
    /// auto-prepared. Columns, types and conversions are those of <see cref="WriteAsync"/>.
    /// </summary>
    public static int AppendInserts(Rows rows, NpgsqlCommand command, System.Text.StringBuilder sql)
    {
        var count = 0;
        var t = 0;
        foreach (var (entityType, entities) in rows.Tables)
        {
            if (entities.Count == 0)
            {
                continue;
            }
            var shape = Shapes.GetOrAdd(entityType, TableShape.Of);
            sql.Append(shape.Insert);
            for (var c = 0; c < shape.Getters.Length; c++)
            {
                var getter = shape.Getters[c];
                var converter = shape.Converters[c];
                // Straight into an array of the column's provider type: one array per column, no intermediate copy.
                var values = Array.CreateInstance(shape.Elements[c], entities.Count);
                for (var i = 0; i < entities.Count; i++)
                {
                    var value = getter.GetClrValueUsingContainingEntity(entities[i]);
                    values.SetValue(converter is null ? value : converter.ConvertToProvider(value), i);
                }
                var name = "i" + t + "_" + c;
                sql.Append(c == 0 ? "@" : ", @").Append(name);
                command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | shape.DbTypes[c]) { Value = values });
            }
            sql.Append(");\n");
            count += entities.Count;
            t++;
        }
        return count;
    }

    /// <summary>
    /// What <see cref="WriteAsync"/> and <see cref="AppendInserts"/> need of a table, read from the model once per entity
    /// type (the model does not change while the server runs): the COPY and INSERT texts, and per column its getter,
    /// value converter, array element type and wire type.
    /// </summary>
    private sealed record TableShape(string Copy, string Insert, IClrPropertyGetter[] Getters,
        Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter?[] Converters, Type[] Elements, NpgsqlDbType[] DbTypes)
    {
        public static TableShape Of(IEntityType entityType)
        {
            var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
            // Store-generated columns (identity keys) are left to the database, as EF's INSERT leaves them.
            var columns = entityType.GetProperties().Where(p => p.ValueGenerated == ValueGenerated.Never).ToList();
            var names = string.Join(", ", columns.Select(c => Quote(c.GetColumnName(table)!)));
            return new TableShape($"COPY {Quote(table.Name)} ({names}) FROM STDIN (FORMAT BINARY)",
                $"INSERT INTO {Quote(table.Name)} ({names}) SELECT * FROM unnest(",
                columns.Select(c => c.GetGetter()).ToArray(), columns.Select(c => c.GetTypeMapping().Converter).ToArray(),
                columns.Select(ElementType).ToArray(), columns.Select(c => DbTypeOf(c, table)).ToArray());
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<IEntityType, TableShape> Shapes = new();

    /// <summary>The values as an array of the column's provider type (nullable for a nullable value column), as Npgsql writes arrays.</summary>
    internal static Array Typed(object?[] values, IProperty property)
    {
        var array = Array.CreateInstance(ElementType(property), values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            array.SetValue(values[i], i);
        }
        return array;
    }

    /// <summary>The element type of a column's array: its provider type (nullable for a nullable value column), as Npgsql writes arrays.</summary>
    private static Type ElementType(IProperty property)
    {
        var clr = property.GetTypeMapping().Converter?.ProviderClrType ?? property.ClrType;
        var underlying = Nullable.GetUnderlyingType(clr) ?? clr;
        return underlying.IsValueType && (property.IsNullable || Nullable.GetUnderlyingType(clr) is not null) ? typeof(Nullable<>).MakeGenericType(underlying) : underlying;
    }

    /// <summary>The wire type of a column, for the provider types these tables use; anything else is refused (the caller falls back).</summary>
    internal static NpgsqlDbType DbTypeOf(IProperty property, StoreObjectIdentifier table)
    {
        var converter = property.GetTypeMapping().Converter;
        var clr = converter?.ProviderClrType ?? property.ClrType;
        clr = Nullable.GetUnderlyingType(clr) ?? clr;
        var columnType = property.GetColumnType(table);
        return clr switch
        {
            _ when clr == typeof(string) && (columnType == "text" || columnType.StartsWith("character varying", StringComparison.Ordinal)) => NpgsqlDbType.Text,
            _ when clr == typeof(long) && columnType == "bigint" => NpgsqlDbType.Bigint,
            _ when clr == typeof(int) && columnType == "integer" => NpgsqlDbType.Integer,
            _ when clr == typeof(bool) && columnType == "boolean" => NpgsqlDbType.Boolean,
            _ when clr == typeof(decimal) && columnType.StartsWith("numeric", StringComparison.Ordinal) => NpgsqlDbType.Numeric,
            _ when clr == typeof(DateTime) && columnType == "timestamp with time zone" => NpgsqlDbType.TimestampTz,
            _ => throw new NotSupportedException($"BulkCopy does not write {clr.Name} into {columnType} ({property.DeclaringType.DisplayName()}.{property.Name})."),
        };
    }

    internal static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
