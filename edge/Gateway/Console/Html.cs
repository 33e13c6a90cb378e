using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Eldercare.Edge.Gateway.Console;

/// <summary>HTML encoding for every value a page shows (Chinese left as characters, markup and quotes encoded).</summary>
internal static class Html
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public static string E(string? value) => Encoder.Encode(value ?? string.Empty);
}
