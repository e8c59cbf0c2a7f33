using System.IO;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ErrorCatalog.Generator;

/// <summary>
/// The YAML event stream errors.yaml is loaded from, checked as it flows, before YamlDotNet's loader (which recurses
/// once per level and expands aliases) sees an event: nesting is bounded, aliases, merge keys and a second document are
/// refused, and a flow collection left open is reported where it was opened rather than where the parser gave up.
/// </summary>
internal sealed class BoundedYamlParser : IParser
{
    /// <summary>Far beyond any catalog (a shape body nests a few levels), far below what overflows the loader's stack.</summary>
    public const int MaxDepth = 64;

    private readonly IParser _inner;

    // One entry per open collection: Items is -1 for a sequence, else how many keys and values of the mapping were read.
    private readonly Stack<(int Items, bool Flow)> _open = new();
    private readonly Stack<(ParsingEvent Event, char Bracket)> _openFlow = new();
    private int _documents;

    public BoundedYamlParser(TextReader reader) => _inner = new YamlDotNet.Core.Parser(reader);

    public ParsingEvent? Current => _inner.Current;

    /// <summary>Where the last event read ended: where a failure the parser reports without a mark happened.</summary>
    public Mark LastEnd { get; private set; } = Mark.Empty;

    public bool MoveNext()
    {
        bool moved;
        try
        {
            moved = _inner.MoveNext();
        }
        catch (Exception ex) when (_openFlow.Count > 0 && ex is YamlException or InvalidOperationException)
        {
            // Inside [ ] or { } YAML reads on across lines, so the parser stops far from the missing bracket.
            // The outermost open bracket: an inner one may be closed by the text the outer one swallowed.
            var (open, bracket) = _openFlow.ToArray()[_openFlow.Count - 1];
            var stoppedAt = ex is YamlException yaml ? yaml.Start.Line : 0;
            if (ex is YamlException && stoppedAt == open.Start.Line)
            {
                throw;
            }

            throw new SyntaxErrorException(open.Start, open.End, $"'{bracket}' is never closed with '{(bracket == '[' ? ']' : '}')}'");
        }

        if (moved && _inner.Current is { } current)
        {
            LastEnd = current.End;
            Check(current);
        }

        return moved;
    }

    private void Check(ParsingEvent current)
    {
        switch (current)
        {
            case DocumentStart when ++_documents > 1:
                throw new UnsupportedYamlException(current.Start, current.End, "a second YAML document ('---'): errors.yaml holds one");
            case AnchorAlias alias:
                CountNode();
                throw new UnsupportedYamlException(current.Start, current.End, $"the alias '*{alias.Value}': anchors and aliases are not supported, write the value out");
            case Scalar scalar:
                if (IsKey() && scalar is { Value: "<<", Style: ScalarStyle.Plain })
                {
                    throw new UnsupportedYamlException(current.Start, current.End, "the merge key '<<': write the keys out");
                }

                if (HasUnpairedSurrogate(scalar.Value))
                {
                    throw new UnsupportedYamlException(current.Start, current.End, "a value with an unpaired UTF-16 surrogate: it has no UTF-8 form");
                }

                CountNode();
                break;
            case MappingStart or SequenceStart:
                CountNode();
                if (_open.Count == MaxDepth)
                {
                    throw new UnsupportedYamlException(current.Start, current.End, $"nesting deeper than {MaxDepth} levels");
                }

                var flow = current is MappingStart { Style: MappingStyle.Flow } or SequenceStart { Style: SequenceStyle.Flow };
                _open.Push((current is SequenceStart ? -1 : 0, flow));
                if (flow)
                {
                    _openFlow.Push((current, current is SequenceStart ? '[' : '{'));
                }

                break;
            case MappingEnd or SequenceEnd:
                if (_open.Pop().Flow)
                {
                    _openFlow.Pop();
                }

                break;
        }
    }

    private bool IsKey() => _open.Count > 0 && _open.Peek().Items >= 0 && _open.Peek().Items % 2 == 0;

    private void CountNode()
    {
        if (_open.Count > 0 && _open.Peek().Items >= 0)
        {
            var (items, flow) = _open.Pop();
            _open.Push((items + 1, flow));
        }
    }

    private static bool HasUnpairedSurrogate(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return true;
            }
        }

        return false;
    }
}
