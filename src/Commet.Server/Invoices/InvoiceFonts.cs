using PdfSharp.Fonts;

namespace Commet.Server.Invoices;

/// <summary>
/// PDFsharp finds no system fonts on Linux, so invoices use DejaVu Sans shipped inside this assembly
/// (Invoices/Fonts, with its licence). Every family name resolves to it, so a PDF never fails for want of a font.
/// </summary>
public sealed class InvoiceFonts : IFontResolver
{
    public const string Family = "DejaVu Sans";
    private const string Regular = "DejaVuSans";
    private const string Bold = "DejaVuSans-Bold";

    private static readonly InvoiceFonts Instance = new();
    private static readonly Lazy<byte[]> RegularBytes = new(() => Load(Regular));
    private static readonly Lazy<byte[]> BoldBytes = new(() => Load(Bold));
    private static readonly object Gate = new();
    private static bool installed;

    /// <summary>Installs the resolver once per process (PDFsharp's font settings are global and set-once).</summary>
    public static void EnsureInstalled()
    {
        if (Volatile.Read(ref installed))
        {
            return;
        }
        lock (Gate)
        {
            if (!installed)
            {
                GlobalFontSettings.FontResolver = Instance;
                Volatile.Write(ref installed, true);
            }
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool isBold, bool isItalic) =>
        // Italic is simulated by PDFsharp when asked for; invoices do not use it.
        new(isBold ? Bold : Regular, false, isItalic);

    public byte[]? GetFont(string faceName) => faceName switch
    {
        Bold => BoldBytes.Value,
        _ => RegularBytes.Value,
    };

    private static byte[] Load(string face)
    {
        var name = $"Commet.Server.Invoices.Fonts.{face}.ttf";
        using var stream = typeof(InvoiceFonts).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded font {name} is missing from the assembly.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
