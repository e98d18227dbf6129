using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using NpgsqlTypes;

namespace Commet.Server.Persistence;

/// <summary>
/// Rows in PostgreSQL's binary COPY format (the header, per row a field count and per field its length and bytes, the
/// trailer), for <see cref="BulkCopy"/>: the six wire types its tables use, encoded as Npgsql's converters encode them
/// (text as UTF-8; bigint, integer and boolean in network order; <c>timestamp with time zone</c> as microseconds since
/// 2000-01-01 UTC, <see cref="DateTime.MinValue"/> and <see cref="DateTime.MaxValue"/> as -infinity and infinity, any
/// other kind than UTC refused; numeric as base-10000 digits with the decimal's own scale). The buffer is pooled.
/// </summary>
internal sealed class CopyEncoder : IDisposable
{
    /// <summary>The caller sends what is encoded once it holds this much (a large billing chunk is not held whole).</summary>
    public const int FlushAt = 64 * 1024;

    /// <summary>"PGCOPY\n\377\r\n\0".</summary>
    private static readonly byte[] Signature = [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00];

    /// <summary>2000-01-01T00:00:00Z, PostgreSQL's epoch, in ticks.</summary>
    private const long PostgresEpochTicks = 630822816000000000;

    private byte[] buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private int length;
    private short fields;

    public int Length => length;

    public ReadOnlyMemory<byte> Written => buffer.AsMemory(0, length);

    public void Clear() => length = 0;

    public void Header(int columns)
    {
        fields = checked((short)columns);
        Ensure(19);
        Signature.CopyTo(buffer, length);
        length += Signature.Length;
        Int32(0); // flags
        Int32(0); // header extension length
    }

    public void StartRow() => Int16(fields);

    public void Trailer() => Int16(-1);

    /// <summary>One field: NULL, or the value (already converted to its provider type) at the column's wire type.</summary>
    public void Value(NpgsqlDbType type, object? value)
    {
        if (value is null)
        {
            Int32(-1);
            return;
        }
        switch (type)
        {
            case NpgsqlDbType.Text:
                Text((string)value);
                break;
            case NpgsqlDbType.Bigint:
                Int32(8);
                Int64((long)value);
                break;
            case NpgsqlDbType.Integer:
                Int32(4);
                Int32((int)value);
                break;
            case NpgsqlDbType.Boolean:
                Int32(1);
                Ensure(1);
                buffer[length++] = (bool)value ? (byte)1 : (byte)0;
                break;
            case NpgsqlDbType.TimestampTz:
                Int32(8);
                Int64(Microseconds((DateTime)value));
                break;
            case NpgsqlDbType.Numeric:
                Numeric((decimal)value);
                break;
            default:
                throw new NotSupportedException($"The COPY encoder does not write {type}.");
        }
    }

    private void Text(string text)
    {
        Ensure(4 + Encoding.UTF8.GetMaxByteCount(text.Length));
        var written = Encoding.UTF8.GetBytes(text, buffer.AsSpan(length + 4));
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(length), written);
        length += 4 + written;
    }

    /// <summary>As Npgsql writes a <c>timestamptz</c>: UTC only; the extremes are the infinities.</summary>
    internal static long Microseconds(DateTime value)
    {
        if (value == DateTime.MinValue)
        {
            return long.MinValue;
        }
        if (value == DateTime.MaxValue)
        {
            return long.MaxValue;
        }
        if (value.Kind != DateTimeKind.Utc)
        {
            throw new ArgumentException($"Cannot write a DateTime of kind {value.Kind} to 'timestamp with time zone': only UTC is written.");
        }
        return (value.Ticks - PostgresEpochTicks) / 10;
    }

    /// <summary>
    /// numeric: the digit count, the weight (the power of 10000 of the first digit), the sign, the display scale (the
    /// decimal's own scale), then the base-10000 digits without leading or trailing zero digits.
    /// </summary>
    private void Numeric(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var scale = (bits[3] >> 16) & 0xFF;
        var negative = bits[3] < 0;
        var unscaled = ((UInt128)(uint)bits[2] << 64) | ((UInt128)(uint)bits[1] << 32) | (uint)bits[0];
        Span<short> digits = stackalloc short[12];
        var count = 0;
        var weight = 0;
        if (unscaled != 0)
        {
            // Align the decimal point on a digit boundary: the fraction takes whole base-10000 digits.
            var pad = (4 - scale % 4) % 4;
            for (var i = 0; i < pad; i++)
            {
                unscaled *= 10;
            }
            var fractionDigits = (scale + pad) / 4;
            Span<short> reversed = stackalloc short[12];
            while (unscaled != 0)
            {
                reversed[count++] = (short)(ushort)(unscaled % 10000);
                unscaled /= 10000;
            }
            weight = count - 1 - fractionDigits;
            var low = 0;
            while (reversed[low] == 0)
            {
                low++;
            }
            var n = 0;
            for (var i = count - 1; i >= low; i--)
            {
                digits[n++] = reversed[i];
            }
            count = n;
        }
        Int32(8 + 2 * count);
        Int16((short)count);
        Int16((short)weight);
        Int16(negative && count > 0 ? (short)0x4000 : (short)0);
        Int16((short)scale);
        for (var i = 0; i < count; i++)
        {
            Int16(digits[i]);
        }
    }

    private void Int16(short value)
    {
        Ensure(2);
        BinaryPrimitives.WriteInt16BigEndian(buffer.AsSpan(length), value);
        length += 2;
    }

    private void Int32(int value)
    {
        Ensure(4);
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(length), value);
        length += 4;
    }

    private void Int64(long value)
    {
        Ensure(8);
        BinaryPrimitives.WriteInt64BigEndian(buffer.AsSpan(length), value);
        length += 8;
    }

    private void Ensure(int more)
    {
        if (length + more <= buffer.Length)
        {
            return;
        }
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, length + more));
        buffer.AsSpan(0, length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = larger;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = [];
    }
}
