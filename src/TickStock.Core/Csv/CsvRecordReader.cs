using System.Globalization;
using System.Text;

namespace TickStock.Core.Csv;

/// <summary>Bounds that keep a hostile CSV input from making one field, or the whole read, unbounded.</summary>
/// <param name="MaxChars">Most characters read from the input.</param>
/// <param name="MaxFieldChars">Most characters in one field.</param>
public sealed record CsvLimits(long MaxChars = long.MaxValue, int MaxFieldChars = int.MaxValue)
{
    /// <summary>No bounds (trusted files: bar files, the stub's data folder).</summary>
    public static readonly CsvLimits None = new();
}

/// <summary>A CSV input that is malformed or breaks a <see cref="CsvLimits"/> bound; the message names the line.</summary>
public sealed class CsvFormatException : FormatException
{
    public CsvFormatException() { }

    public CsvFormatException(string message) : base(message) { }

    public CsvFormatException(string message, Exception inner) : base(message, inner) { }

    public CsvFormatException(int lineNumber, string reason, bool limitExceeded = false)
        : base(string.Create(CultureInfo.InvariantCulture, $"line {lineNumber}: {reason}"))
    {
        LineNumber = lineNumber;
        Reason = reason;
        LimitExceeded = limitExceeded;
    }

    /// <summary>1-based line of the problem.</summary>
    public int LineNumber { get; }

    /// <summary>What is wrong, without the line.</summary>
    public string Reason { get; } = string.Empty;

    /// <summary>True when a <see cref="CsvLimits"/> bound was broken (rather than the text being malformed).</summary>
    public bool LimitExceeded { get; }
}

/// <summary>
/// The one CSV reader of the code base (universe files, bar files, replay files, the stub's data folder): RFC 4180
/// records (quoted fields, doubled quotes, commas and line breaks inside quotes, CRLF or LF), a leading UTF-8 BOM
/// dropped, optional bounds. A quote that is never closed, or text after a closing quote, throws
/// <see cref="CsvFormatException"/> naming the line. A quote inside an unquoted field is kept as text. Fields are
/// returned as written (not trimmed); what a header or a value means is the caller's business.
/// </summary>
public sealed class CsvRecordReader(TextReader reader, CsvLimits? limits = null)
{
    private readonly TextReader _reader = reader ?? throw new ArgumentNullException(nameof(reader));
    private readonly CsvLimits _limits = limits ?? CsvLimits.None;
    private readonly StringBuilder _field = new();
    private long _charsRead;
    private int _line = 1;
    private bool _started;

    /// <summary>1-based line on which the record last returned by <see cref="ReadRecord"/> started.</summary>
    public int LineNumber { get; private set; }

    /// <summary>True when <paramref name="record"/> is an empty or whitespace-only line.</summary>
    public static bool IsBlank(List<string> record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Count == 1 && string.IsNullOrWhiteSpace(record[0]);
    }

    /// <summary>Reads the next record (an empty line is one empty field), or null at end of input.</summary>
    public List<string>? ReadRecord()
    {
        if (!_started)
        {
            _started = true;
            if (_reader.Peek() == '\uFEFF')
            {
                Next();
            }
        }

        LineNumber = _line;
        var fields = new List<string>();
        bool inQuotes = false, fieldStarted = false, afterQuotedField = false;
        int quoteLine = 0;
        _field.Clear();
        int ch;
        while ((ch = Next()) >= 0)
        {
            var c = (char)ch;
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (_reader.Peek() == '"')
                    {
                        Next();
                        Append('"');
                    }
                    else
                    {
                        inQuotes = false;
                        afterQuotedField = true;
                    }
                }
                else
                {
                    if (c == '\n' || (c == '\r' && _reader.Peek() != '\n'))
                    {
                        _line++;
                    }

                    Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"' when _field.Length == 0 && !afterQuotedField:
                    inQuotes = true;
                    fieldStarted = true;
                    quoteLine = _line;
                    break;
                case ',':
                    fields.Add(_field.ToString());
                    _field.Clear();
                    fieldStarted = true;
                    afterQuotedField = false;
                    break;
                case '\r':
                    if (_reader.Peek() == '\n')
                    {
                        Next();
                    }

                    _line++;
                    fields.Add(_field.ToString());
                    return fields;
                case '\n':
                    _line++;
                    fields.Add(_field.ToString());
                    return fields;
                default:
                    if (afterQuotedField)
                    {
                        throw new CsvFormatException(_line, "unexpected text after a quoted field");
                    }

                    Append(c);
                    fieldStarted = true;
                    break;
            }
        }

        if (inQuotes)
        {
            throw new CsvFormatException(quoteLine, "unterminated quoted field");
        }

        if (!fieldStarted && fields.Count == 0 && _field.Length == 0)
        {
            return null;
        }

        fields.Add(_field.ToString());
        return fields;
    }

    private int Next()
    {
        var ch = _reader.Read();
        if (ch >= 0 && ++_charsRead > _limits.MaxChars)
        {
            throw new CsvFormatException(_line, string.Create(CultureInfo.InvariantCulture, $"the file exceeds {_limits.MaxChars} characters"), limitExceeded: true);
        }

        return ch;
    }

    private void Append(char c)
    {
        if (_field.Length >= _limits.MaxFieldChars)
        {
            throw new CsvFormatException(_line, string.Create(CultureInfo.InvariantCulture, $"a field exceeds {_limits.MaxFieldChars} characters"), limitExceeded: true);
        }

        _field.Append(c);
    }
}
