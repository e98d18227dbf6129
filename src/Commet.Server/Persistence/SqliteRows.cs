using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using SQLitePCL;

namespace Commet.Server.Persistence;

/// <summary>
/// SQLite: reads an entity's row from a statement kept by <see cref="SqliteStatements"/>, property by property as EF Core
/// would (same columns, same conversions: text, integers, booleans as 0/1, times as text read back as UTC, an optional
/// owned type null when all its columns are). Built once per entity type from the model, so a column added to the
/// entity is read here too; a property of a type this reader does not know fails when the reader is built (at the
/// first query), not with a wrong value.
/// </summary>
internal sealed class SqliteRows<T> where T : class
{
    private readonly Func<sqlite3_stmt, int, T> read;

    /// <summary>The entity's columns, each prefixed with <c>alias.</c>, in the order <see cref="Read"/> reads them.</summary>
    public string Columns { get; }

    /// <summary>How many columns <see cref="Read"/> takes.</summary>
    public int Count { get; }

    public SqliteRows(IModel model, string alias)
    {
        var entity = model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var columns = new List<string>();
        var stmt = Expression.Parameter(typeof(sqlite3_stmt), "stmt");
        var first = Expression.Parameter(typeof(int), "first");
        var body = Build(entity, table, alias, columns, stmt, first, optional: false);
        read = Expression.Lambda<Func<sqlite3_stmt, int, T>>(body, stmt, first).Compile();
        Columns = string.Join(", ", columns);
        Count = columns.Count;
    }

    /// <summary>The entity whose columns start at <paramref name="first"/> in the current row.</summary>
    public T Read(sqlite3_stmt stmt, int first) => read(stmt, first);

    /// <summary>
    /// <c>new E { P = read(first + i), …, Owned = all null ? null : new O { … } }</c>. An optional owned type's columns
    /// are read twice (once to see if any is set); it has a handful of short ones.
    /// </summary>
    private static Expression Build(IEntityType entity, StoreObjectIdentifier table, string alias, List<string> columns, ParameterExpression stmt,
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
            bindings.Add(Expression.Bind(property.PropertyInfo!, Value(property, stmt, ordinal)));
        }
        foreach (var navigation in entity.GetNavigations())
        {
            if (!navigation.TargetEntityType.IsOwned() || navigation.IsCollection)
            {
                throw new NotSupportedException($"{entity.DisplayName()}.{navigation.Name}: only owned references are read.");
            }
            bindings.Add(Expression.Bind(navigation.PropertyInfo!, Build(navigation.TargetEntityType, table, alias, columns, stmt, first, optional: true)));
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
            anySet = Expression.OrElse(anySet, Expression.Not(Expression.Call(IsNullMethod, stmt, Expression.Add(first, Expression.Constant(i)))));
        }
        return Expression.Condition(anySet, created, Expression.Constant(null, entity.ClrType));
    }

    private static MethodCallExpression Value(IProperty property, ParameterExpression stmt, Expression ordinal)
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
        return Expression.Call(typeof(SqliteRowValues).GetMethod(method, BindingFlags.Public | BindingFlags.Static)!, stmt, ordinal);
    }

    private static readonly MethodInfo IsNullMethod = typeof(SqliteRowValues).GetMethod(nameof(SqliteRowValues.IsNull))!;
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
