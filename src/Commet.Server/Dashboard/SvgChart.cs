using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace Commet.Server.Dashboard;

/// <summary>
/// Bar charts drawn on the server as inline SVG (no script, no library; styled by <see cref="DashboardStyles"/>):
/// one bar a day, negative values below a zero line, each bar's day and value in its tooltip. The figures also
/// appear as text next to the chart, so the SVG is a picture of them (role img, with a label).
/// </summary>
public static class SvgChart
{
    public const int Width = 600;
    public const int Height = 160;

    /// <summary>Bars for <paramref name="values"/> (index 0 = <paramref name="since"/>), labelled with <paramref name="label"/>.</summary>
    public static IHtmlContent Bars(IReadOnlyList<long> values, DateTime since, string label, Func<long, string> format, string? cssClass = null)
    {
        var e = HtmlEncoder.Default;
        var inv = CultureInfo.InvariantCulture;
        var max = Math.Max(0, values.Count == 0 ? 0 : values.Max());
        var min = Math.Min(0, values.Count == 0 ? 0 : values.Min());
        var span = Math.Max(1, max - min);
        const double top = 4;
        var usable = Height - top;
        // The zero line: all the way down when nothing is negative.
        var zero = top + usable * max / span;
        var slot = (double)Width / Math.Max(1, values.Count);
        var gap = slot >= 4 ? 1 : 0;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart bars{(cssClass is null ? "" : " " + cssClass)}\" viewBox=\"0 0 {Width} {Height}\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"{e.Encode(label)}\">");
        for (var i = 0; i < values.Count; i++)
        {
            var v = values[i];
            if (v == 0)
            {
                continue;
            }
            var h = usable * Math.Abs(v) / span;
            var y = v > 0 ? zero - h : zero;
            sb.Append("<rect")
                .Append(v < 0 ? " class=\"neg\"" : "")
                .Append(" x=\"").Append((i * slot + gap / 2.0).ToString("0.##", inv))
                .Append("\" y=\"").Append(y.ToString("0.##", inv))
                .Append("\" width=\"").Append(Math.Max(0.5, slot - gap).ToString("0.##", inv))
                .Append("\" height=\"").Append(Math.Max(0.5, h).ToString("0.##", inv))
                .Append("\"><title>").Append(e.Encode(DashboardText.Date(since.AddDays(i)) + ": " + format(v))).Append("</title></rect>");
        }
        if (min < 0)
        {
            sb.Append("<line class=\"zero\" x1=\"0\" x2=\"").Append(Width.ToString(inv)).Append("\" y1=\"").Append(zero.ToString("0.##", inv))
                .Append("\" y2=\"").Append(zero.ToString("0.##", inv)).Append("\"></line>");
        }
        sb.Append("</svg>");
        return new HtmlString(sb.ToString());
    }

    public static IHtmlContent Bars(IReadOnlyList<int> values, DateTime since, string label, string? cssClass = null) =>
        Bars(values.Select(v => (long)v).ToList(), since, label, v => v.ToString("N0", CultureInfo.InvariantCulture), cssClass);
}
