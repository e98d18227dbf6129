using System.Data.Common;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using SQLitePCL;

namespace Commet.Server.Persistence;

/// <summary>
/// Reads an entity's row from a source, property by property as EF Core would (same columns, same conversions: text,
/// integers, booleans, times read back as UTC, an optional owned type null when all its columns are). The source is a
/// SQLite statement kept by <see cref="SqliteStatements"/> (values read by <see cref="SqliteRowValues"/>) or an ADO.NET
/// data reader (values read by <see cref="DbRowValues"/>, for PostgreSQL commands of several statements that EF Core
/// cannot send). Built once per entity type from the model, so a column added to the entity is read here too; a property
/// of a type this reader does not know fails when the reader is built (at the first query), not with a wrong value.
/// </summary>
internal sealed class EntityRows<TSource, T> where T : class
{
    private readonly Func<TSource, int, T> read;

    /// <summary>The entity's columns, each prefixed with <c>alias.</c>, in the order <see cref="Read"/> reads them.</summary>
    public string Columns { get; }

    /// <summary>How many columns <see cref="Read"/> takes.</summary>
    public int Count { get; }

    /// <param name="model">The context's model, where the entity's properties and columns are read.</param>
    /// <param name="alias">The table's alias in the statement that selects <see cref="Columns"/>.</param>
    /// <param name="values">The static class whose <c>IsNull</c>, <c>ReadString</c>, … read a <typeparamref name="TSource"/>'s columns.</param>
    public EntityRows(IModel model, string alias, Type values)
    {
        var entity = model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var columns = new List<string>();
        var source = Expression.Parameter(typeof(TSource), "source");
        var first = Expression.Parameter(typeof(int), "first");
        var body = Build(entity, table, alias, columns, new Reads(source, values), first, optional: false);
        read = Expression.Lambda<Func<TSource, int, T>>(body, source, first).Compile();
        Columns = string.Join(", ", columns);
        Count = columns.Count;
    }

    /// <summary>The entity whose columns start at <paramref name="first"/> in the current row.</summary>
    public T Read(TSource source, int first) => read(source, first);

    /// <summary>The source parameter and the class that reads its values.</summary>
    private sealed record Reads(ParameterExpression Source, Type Values)
    {
        public MethodCallExpression Call(string method, Expression ordinal) =>
            Expression.Call(Values.GetMethod(method, BindingFlags.Public | BindingFlags.Static, [typeof(TSource), typeof(int)])
                ?? throw new InvalidOperationException($"{Values.Name}.{method}({typeof(TSource).Name}, int) is missing."), Source, ordinal);
    }

    /// <summary>
    /// <c>new E { P = read(first + i), …, Owned = all null ? null : new O { … } }</c>. An optional owned type's columns
    /// are read twice (once to see if any is set); it has a handful of short ones.
    /// </summary>
    private static Expression Build(IEntityType entity, StoreObjectIdentifier table, string alias, List<string> columns, Reads reads,
        ParameterExpression first, bool optional)
    {
        var bindings = new List<MemberBinding>();
        var start = columns.Count;
        foreach (var property in entity.GetProperties())
        {
            if (property.IsShadowProperty())
            {
                continue; // an owned type's key: the owner's ID, read with the owner
            }
            var column = property.GetColumnName(table) ?? throw new InvalidOperationException($"{entity.DisplayName()}.{property.Name} has no column.");
            var ordinal = Expression.Add(first, Expression.Constant(columns.Count));
            columns.Add($"{alias}.\"{column}\"");
            bindings.Add(Expression.Bind(property.PropertyInfo!, Value(property, reads, ordinal)));
        }
        foreach (var navigation in entity.GetNavigations())
        {
            if (!navigation.TargetEntityType.IsOwned() || navigation.IsCollection)
            {
                throw new NotSupportedException($"{entity.DisplayName()}.{navigation.Name}: only owned references are read.");
            }
            bindings.Add(Expression.Bind(navigation.PropertyInfo!, Build(navigation.TargetEntityType, table, alias, columns, reads, first, optional: true)));
        }
        Expression created = Expression.MemberInit(Expression.New(entity.ClrType), bindings);
        if (!optional)
        {
            return created;
        }
        // EF Core materializes an optional dependent sharing its owner's row as null when all its columns are null.
        Expression anySet = Expression.Constant(false);
        for (var i = start; i < columns.Count; i++)
        {
            anySet = Expression.OrElse(anySet, Expression.Not(reads.Call(nameof(SqliteRowValues.IsNull), Expression.Add(first, Expression.Constant(i)))));
        }
        return Expression.Condition(anySet, created, Expression.Constant(null, entity.ClrType));
    }

    private static MethodCallExpression Value(IProperty property, Reads reads, Expression ordinal)
    {
        var type = property.ClrType;
        var converter = property.GetValueConverter() ?? property.GetTypeMapping().Converter;
        var isTime = type == typeof(DateTime) || type == typeof(DateTime?);
        // Times: the context's UTC converter is the only conversion these reads know (the value is read as UTC).
        if (converter is not null && !(isTime && converter.ModelClrType == converter.ProviderClrType))
        {
            throw new NotSupportedException($"{property.DeclaringType.DisplayName()}.{property.Name}: the conversion {converter.GetType().Name} is not read here.");
        }
        var method = type switch
        {
            _ when type == typeof(string) => nameof(SqliteRowValues.ReadString),
            _ when type == typeof(long) => nameof(SqliteRowValues.ReadInt64),
            _ when type == typeof(long?) => nameof(SqliteRowValues.ReadNullableInt64),
            _ when type == typeof(int) => nameof(SqliteRowValues.ReadInt32),
            _ when type == typeof(int?) => nameof(SqliteRowValues.ReadNullableInt32),
            _ when type == typeof(bool) => nameof(SqliteRowValues.ReadBoolean),
            _ when type == typeof(DateTime) => nameof(SqliteRowValues.ReadTime),
            _ when type == typeof(DateTime?) => nameof(SqliteRowValues.ReadNullableTime),
            _ => throw new NotSupportedException($"{property.DeclaringType.DisplayName()}.{property.Name}: {type.Name} is not read here."),
        };
        return reads.Call(method, ordinal);
    }
}

/// <summary>Column values read as Microsoft.Data.Sqlite's data reader reads them.</summary>
internal static class SqliteRowValues
{
    public static bool IsNull(sqlite3_stmt stmt, int i) => raw.sqlite3_column_type(stmt, i) == raw.SQLITE_NULL;

    public static string? ReadString(sqlite3_stmt stmt, int i) => IsNull(stmt, i) ? null : raw.sqlite3_column_text(stmt, i).utf8_to_string();

    public static long ReadInt64(sqlite3_stmt stmt, int i) => raw.sqlite3_column_int64(stmt, i);

    public static long? ReadNullableInt64(sqlite3_stmt stmt, int i) => IsNull(stmt, i) ? null : raw.sqlite3_column_int64(stmt, i);

    public static int ReadInt32(sqlite3_stmt stmt, int i) => checked((int)raw.sqlite3_column_int64(stmt, i));

    public static int? ReadNullableInt32(sqlite3_stmt stmt, int i) => IsNull(stmt, i) ? null : ReadInt32(stmt, i);

    public static bool ReadBoolean(sqlite3_stmt stmt, int i) => raw.sqlite3_column_int64(stmt, i) != 0;

    /// <summary>A time as stored (text, or a Julian day number), read as UTC as the context's converter reads it.</summary>
    public static DateTime ReadTime(sqlite3_stmt stmt, int i)
    {
        var value = raw.sqlite3_column_type(stmt, i) switch
        {
            raw.SQLITE_TEXT => DateTime.Parse(raw.sqlite3_column_text(stmt, i).utf8_to_string(), CultureInfo.InvariantCulture),
            raw.SQLITE_NULL => throw new InvalidCastException("A time column is null."),
            _ => DateTime.FromOADate(raw.sqlite3_column_double(stmt, i) - 2415018.5),
        };
        return DateTime.SpecifyKind(value, DateTimeKind.Utc);
    }

    public static DateTime? ReadNullableTime(sqlite3_stmt stmt, int i) => IsNull(stmt, i) ? null : ReadTime(stmt, i);
}

/// <summary>Column values from an ADO.NET data reader, as EF Core reads them (times as UTC, as the context's converter reads them).</summary>
internal static class DbRowValues
{
    public static bool IsNull(DbDataReader reader, int i) => reader.IsDBNull(i);

    public static string? ReadString(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    public static long ReadInt64(DbDataReader reader, int i) => reader.GetInt64(i);

    public static long? ReadNullableInt64(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetInt64(i);

    public static int ReadInt32(DbDataReader reader, int i) => reader.GetInt32(i);

    public static int? ReadNullableInt32(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetInt32(i);

    public static bool ReadBoolean(DbDataReader reader, int i) => reader.GetBoolean(i);

    public static DateTime ReadTime(DbDataReader reader, int i) => DateTime.SpecifyKind(reader.GetDateTime(i), DateTimeKind.Utc);

    public static DateTime? ReadNullableTime(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : ReadTime(reader, i);
}
