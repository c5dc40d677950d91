using System.Text;

namespace TickStock.Core.Universe;

/// <summary>
/// A minimal RFC 4180 record reader (quoted fields, doubled quotes, commas and line breaks inside
/// quotes, CRLF or LF) with hard bounds, so a hostile file cannot make one field or the whole
/// read unbounded. Exceeding a bound throws <see cref="UniverseFileTooLargeException"/>.
/// </summary>
internal sealed class CsvRecordReader(TextReader reader, long maxChars, int maxFieldChars)
{
    private readonly StringBuilder _field = new();
    private long _charsRead;

    /// <summary>Reads the next record, or null at end of input.</summary>
    public List<string>? ReadRecord()
    {
        var fields = new List<string>();
        var inQuotes = false;
        var fieldStarted = false;
        _field.Clear();
        int ch;
        while ((ch = Next()) >= 0)
        {
            var c = (char)ch;
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        Next();
                        Append('"');
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"' when _field.Length == 0:
                    inQuotes = true;
                    fieldStarted = true;
                    break;
                case ',':
                    fields.Add(_field.ToString());
                    _field.Clear();
                    fieldStarted = true;
                    break;
                case '\r':
                    if (reader.Peek() == '\n')
                    {
                        Next();
                    }

                    fields.Add(_field.ToString());
                    return fields;
                case '\n':
                    fields.Add(_field.ToString());
                    return fields;
                default:
                    Append(c);
                    fieldStarted = true;
                    break;
            }
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
        var ch = reader.Read();
        if (ch >= 0 && ++_charsRead > maxChars)
        {
            throw new UniverseFileTooLargeException($"the file exceeds {maxChars} characters");
        }

        return ch;
    }

    private void Append(char c)
    {
        if (_field.Length >= maxFieldChars)
        {
            throw new UniverseFileTooLargeException($"a field exceeds {maxFieldChars} characters");
        }

        _field.Append(c);
    }
}

/// <summary>A universe file broke one of the parser's size bounds.</summary>
public sealed class UniverseFileTooLargeException : Exception
{
    public UniverseFileTooLargeException() { }
    public UniverseFileTooLargeException(string message) : base(message) { }
    public UniverseFileTooLargeException(string message, Exception inner) : base(message, inner) { }
}
