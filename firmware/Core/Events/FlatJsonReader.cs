using System.Text;

namespace Eldercare.Firmware.Core.Events
{
    /// <summary>
    /// A strict reader for one flat JSON object (RFC 8259 syntax, no nesting): the only
    /// shape wire format v1 uses. Hand-written because nanoFramework has no JSON reader
    /// that rejects what we must reject; every path ends in a bounded number of steps
    /// (one pass over the text), so hostile input cannot make it hang.
    /// </summary>
    public sealed class FlatJsonReader
    {
        public const int ValueString = 1;
        public const int ValueNumber = 2;
        public const int ValueLiteral = 3;
        public const int ValueNested = 4;

        private readonly string _text;
        private int _position;
        private bool _expectComma;

        public FlatJsonReader(string text)
        {
            _text = text;
            _position = 0;
            _expectComma = false;
            Error = null;
        }

        /// <summary>Why the last call failed, for the operator.</summary>
        public string Error { get; private set; }

        /// <summary>Consumes the opening brace.</summary>
        public bool BeginObject()
        {
            SkipWhitespace();
            if (_position >= _text.Length || _text[_position] != '{')
            {
                return Fail("expected '{' at offset " + _position.ToString());
            }

            _position++;
            return true;
        }

        /// <summary>
        /// Moves to the next member. Returns 1 with its key (positioned at the value),
        /// 0 at the closing brace, -1 on a syntax error.
        /// </summary>
        public int NextMember(out string key)
        {
            key = null;
            SkipWhitespace();
            if (_position >= _text.Length)
            {
                Fail("unexpected end of input");
                return -1;
            }

            if (_text[_position] == '}')
            {
                _position++;
                return 0;
            }

            if (_expectComma)
            {
                if (_text[_position] != ',')
                {
                    Fail("expected ',' or '}' at offset " + _position.ToString());
                    return -1;
                }

                _position++;
                SkipWhitespace();
            }

            if (!ReadString(out key))
            {
                return -1;
            }

            SkipWhitespace();
            if (_position >= _text.Length || _text[_position] != ':')
            {
                Fail("expected ':' after key at offset " + _position.ToString());
                return -1;
            }

            _position++;
            SkipWhitespace();
            _expectComma = true;
            return 1;
        }

        /// <summary>What kind of value starts here (0 if none).</summary>
        public int PeekValueKind()
        {
            if (_position >= _text.Length)
            {
                return 0;
            }

            char c = _text[_position];
            if (c == '"')
            {
                return ValueString;
            }

            if (c == '-' || (c >= '0' && c <= '9'))
            {
                return ValueNumber;
            }

            if (c == '{' || c == '[')
            {
                return ValueNested;
            }

            if (c == 't' || c == 'f' || c == 'n')
            {
                return ValueLiteral;
            }

            return 0;
        }

        /// <summary>
        /// Reads a JSON string, rejecting raw control characters (RFC 8259 section 7: not JSON) and bad escapes.
        /// An escaped control character is valid JSON and is returned; the wire format's rule for it is
        /// <see cref="EventCodec"/>'s (bad_field).
        /// </summary>
        public bool ReadString(out string value)
        {
            value = null;
            if (_position >= _text.Length || _text[_position] != '"')
            {
                return Fail("expected a string at offset " + _position.ToString());
            }

            _position++;
            // Fast path, the common case: no escape and no control character before the closing quote,
            // so the value is a plain substring (one allocation instead of a builder and its buffer).
            for (int i = _position; i < _text.Length; i++)
            {
                char plain = _text[i];
                if (plain == '"')
                {
                    value = _text.Substring(_position, i - _position);
                    _position = i + 1;
                    return true;
                }

                if (plain == '\\' || plain < ' ')
                {
                    break;
                }
            }

            StringBuilder builder = new StringBuilder();
            while (_position < _text.Length)
            {
                char c = _text[_position++];
                if (c == '"')
                {
                    value = builder.ToString();
                    return true;
                }

                if (c < ' ')
                {
                    return Fail("control character in string");
                }

                if (c != '\\')
                {
                    builder.Append(c);
                    continue;
                }

                if (_position >= _text.Length)
                {
                    break;
                }

                char e = _text[_position++];
                switch (e)
                {
                    case '"': builder.Append('"'); break;
                    case '\\': builder.Append('\\'); break;
                    case '/': builder.Append('/'); break;
                    case 'b': builder.Append('\b'); break;
                    case 'f': builder.Append('\f'); break;
                    case 'n': builder.Append('\n'); break;
                    case 'r': builder.Append('\r'); break;
                    case 't': builder.Append('\t'); break;
                    case 'u':
                        int code;
                        if (!ReadHex4(out code))
                        {
                            return Fail("bad \\u escape");
                        }

                        if (code >= 0xDC00 && code <= 0xDFFF)
                        {
                            return Fail("unpaired surrogate escape");
                        }

                        if (code >= 0xD800 && code <= 0xDBFF)
                        {
                            int low;
                            if (_position + 2 > _text.Length || _text[_position] != '\\' || _text[_position + 1] != 'u')
                            {
                                return Fail("unpaired surrogate escape");
                            }

                            _position += 2;
                            if (!ReadHex4(out low) || low < 0xDC00 || low > 0xDFFF)
                            {
                                return Fail("unpaired surrogate escape");
                            }

                            builder.Append((char)code);
                            code = low;
                        }

                        builder.Append((char)code);
                        break;
                    default:
                        return Fail("bad escape '\\" + e.ToString() + "'");
                }
            }

            return Fail("unterminated string");
        }

        /// <summary>Reads a JSON number and returns its text (syntax checked, not converted).</summary>
        public bool ReadNumber(out string text)
        {
            text = null;
            int start = _position;
            if (_position < _text.Length && _text[_position] == '-')
            {
                _position++;
            }

            int intDigits = CountDigits();
            if (intDigits == 0)
            {
                return Fail("bad number at offset " + start.ToString());
            }

            if (intDigits > 1 && _text[_position - intDigits] == '0')
            {
                return Fail("leading zero in number at offset " + start.ToString());
            }

            if (_position < _text.Length && _text[_position] == '.')
            {
                _position++;
                if (CountDigits() == 0)
                {
                    return Fail("bad fraction at offset " + start.ToString());
                }
            }

            if (_position < _text.Length && (_text[_position] == 'e' || _text[_position] == 'E'))
            {
                _position++;
                if (_position < _text.Length && (_text[_position] == '+' || _text[_position] == '-'))
                {
                    _position++;
                }

                if (CountDigits() == 0)
                {
                    return Fail("bad exponent at offset " + start.ToString());
                }
            }

            text = _text.Substring(start, _position - start);
            return true;
        }

        /// <summary>Reads true, false or null (returned as its text).</summary>
        public bool ReadLiteral(out string text)
        {
            text = null;
            string[] literals = new string[] { "true", "false", "null" };
            for (int i = 0; i < literals.Length; i++)
            {
                string literal = literals[i];
                if (_position + literal.Length <= _text.Length && _text.Substring(_position, literal.Length) == literal)
                {
                    _position += literal.Length;
                    text = literal;
                    return true;
                }
            }

            return Fail("bad literal at offset " + _position.ToString());
        }

        /// <summary>True if only whitespace follows the object.</summary>
        public bool AtEnd()
        {
            SkipWhitespace();
            if (_position != _text.Length)
            {
                return Fail("trailing data at offset " + _position.ToString());
            }

            return true;
        }

        private int CountDigits()
        {
            int count = 0;
            while (_position < _text.Length && _text[_position] >= '0' && _text[_position] <= '9')
            {
                _position++;
                count++;
            }

            return count;
        }

        private bool ReadHex4(out int code)
        {
            code = 0;
            if (_position + 4 > _text.Length)
            {
                return false;
            }

            for (int i = 0; i < 4; i++)
            {
                char h = _text[_position++];
                int digit;
                if (h >= '0' && h <= '9')
                {
                    digit = h - '0';
                }
                else if (h >= 'a' && h <= 'f')
                {
                    digit = h - 'a' + 10;
                }
                else if (h >= 'A' && h <= 'F')
                {
                    digit = h - 'A' + 10;
                }
                else
                {
                    return false;
                }

                code = (code * 16) + digit;
            }

            return true;
        }

        private void SkipWhitespace()
        {
            while (_position < _text.Length)
            {
                char c = _text[_position];
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                {
                    return;
                }

                _position++;
            }
        }

        private bool Fail(string message)
        {
            Error = message;
            return false;
        }
    }
}
