using System.Text;
using System.Xml;

namespace Commet.Server.Portal;

/// <summary>
/// Rewrites an uploaded SVG logo keeping only an allow-list of drawing elements and presentation attributes, so the
/// result can run no script and load nothing: no <c>script</c>, <c>foreignObject</c>, <c>image</c>, links, animation or
/// <c>style</c> (elements or attributes), no <c>on…</c> handlers, and references (<c>href</c>, <c>url(…)</c>) only to
/// fragments of the same document (<c>#id</c>). Anything else is dropped with its content. DTDs are refused, so no
/// entity expansion and no external entities. Returns null when the input is not an SVG document.
/// </summary>
public static class SvgSanitizer
{
    private const string SvgNs = "http://www.w3.org/2000/svg";
    private const string XlinkNs = "http://www.w3.org/1999/xlink";

    private static readonly HashSet<string> Elements =
    [
        "svg", "g", "defs", "symbol", "use", "title", "desc", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
        "text", "tspan", "linearGradient", "radialGradient", "stop", "clipPath", "mask",
    ];

    /// <summary>Elements whose text content is kept.</summary>
    private static readonly HashSet<string> TextElements = ["title", "desc", "text", "tspan"];

    private static readonly HashSet<string> Attributes =
    [
        "id", "class", "width", "height", "viewBox", "preserveAspectRatio", "version", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry",
        "fx", "fy", "d", "points", "transform", "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-linecap",
        "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset", "opacity", "clip-path", "clip-rule", "clipPathUnits",
        "mask", "maskUnits", "maskContentUnits", "offset", "stop-color", "stop-opacity", "gradientUnits", "gradientTransform", "spreadMethod",
        "font-family", "font-size", "font-weight", "font-style", "text-anchor", "dominant-baseline", "letter-spacing", "dx", "dy",
        "visibility", "display", "color",
    ];

    public static byte[]? Sanitize(byte[] input)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            MaxCharactersInDocument = 4_000_000,
        };
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(input), settings);
            if (reader.MoveToContent() != XmlNodeType.Element || reader.LocalName != "svg" || reader.NamespaceURI != SvgNs)
            {
                return null;
            }
            var output = new MemoryStream();
            using (var writer = XmlWriter.Create(output, new XmlWriterSettings { Encoding = new UTF8Encoding(false), OmitXmlDeclaration = true }))
            {
                Copy(reader, writer);
            }
            return output.ToArray();
        }
        catch (XmlException)
        {
            return null;
        }
    }

    /// <summary>Copies the element the reader is on (and what it allows inside), or skips it whole.</summary>
    private static void Copy(XmlReader reader, XmlWriter writer)
    {
        var depth = 0;
        var skipping = -1;
        var keepText = new Stack<bool>();
        do
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    var empty = reader.IsEmptyElement;
                    if (skipping < 0 && (reader.NamespaceURI != SvgNs || !Elements.Contains(reader.LocalName)))
                    {
                        skipping = depth;
                    }
                    if (skipping < 0)
                    {
                        writer.WriteStartElement(reader.LocalName, SvgNs);
                        WriteAttributes(reader, writer);
                        keepText.Push(TextElements.Contains(reader.LocalName));
                    }
                    if (empty)
                    {
                        if (skipping < 0)
                        {
                            writer.WriteEndElement();
                            keepText.Pop();
                        }
                        else if (skipping == depth)
                        {
                            skipping = -1;
                        }
                    }
                    else
                    {
                        depth++;
                    }
                    break;
                case XmlNodeType.EndElement:
                    depth--;
                    if (skipping < 0)
                    {
                        writer.WriteEndElement();
                        keepText.Pop();
                    }
                    else if (skipping == depth)
                    {
                        skipping = -1;
                    }
                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace:
                    if (skipping < 0 && keepText.Count > 0 && keepText.Peek())
                    {
                        writer.WriteString(reader.Value);
                    }
                    break;
            }
        }
        while (reader.Read() && depth > 0);
    }

    private static void WriteAttributes(XmlReader reader, XmlWriter writer)
    {
        if (!reader.MoveToFirstAttribute())
        {
            return;
        }
        do
        {
            var name = reader.LocalName;
            var ns = reader.NamespaceURI;
            var value = reader.Value;
            if (ns == "" && Attributes.Contains(name) && SafeValue(value))
            {
                writer.WriteAttributeString(name, value);
            }
            else if (name == "href" && (ns == "" || ns == XlinkNs) && IsFragment(value))
            {
                // SVG 2's plain href; a use element may only point inside this document.
                writer.WriteAttributeString("href", value.Trim());
            }
        }
        while (reader.MoveToNextAttribute());
        reader.MoveToElement();
    }

    private static bool IsFragment(string value) => value.Trim() is { Length: > 1 } v && v[0] == '#' && v.Skip(1).All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');

    /// <summary>No url(…) but to a fragment of this document, no escapes or markup that could smuggle one in.</summary>
    private static bool SafeValue(string value)
    {
        if (value.IndexOfAny(['\\', '<', '>', '&']) >= 0 || value.Contains("javascript", StringComparison.OrdinalIgnoreCase)
            || value.Contains("expression", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var at = 0;
        while ((at = value.IndexOf("url(", at, StringComparison.OrdinalIgnoreCase)) >= 0)
        {
            var rest = value[(at + 4)..].TrimStart(' ', '\'', '"');
            if (!rest.StartsWith('#'))
            {
                return false;
            }
            at += 4;
        }
        return true;
    }
}
