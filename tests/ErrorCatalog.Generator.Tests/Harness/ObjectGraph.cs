using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace ErrorCatalog.Generator.Tests.Harness;

/// <summary>
/// Walks a pipeline value's fields and items (as NetEscapades.EnumGenerators' TestHelpers does) to prove
/// no Roslyn object that would defeat caching, or keep a compilation alive, reached the model.
/// </summary>
internal static class ObjectGraph
{
    public static void AssertHoldsNoCompilerObjects(object? value, string step)
    {
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        Visit(value);

        void Visit(object? node)
        {
            if (node is null || !visited.Add(node))
            {
                return;
            }

            Assert.False(node is Compilation or ISymbol or SyntaxNode or Location, $"Step {step} holds a {node.GetType().Name}.");
            var type = node.GetType();
            if (type.IsPrimitive || type.IsEnum || type == typeof(string))
            {
                return;
            }

            if (node is IEnumerable items)
            {
                foreach (var item in items)
                {
                    Visit(item);
                }

                return;
            }

            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance))
            {
                Visit(field.GetValue(node));
            }
        }
    }
}
