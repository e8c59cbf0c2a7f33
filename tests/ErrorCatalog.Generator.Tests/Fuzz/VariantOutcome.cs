namespace ErrorCatalog.Generator.Tests.Fuzz;

/// <summary>What running one variant through the generator and the compiler gave.</summary>
internal enum VariantOutcome
{
    /// <summary>Accepted, and the generated code compiles with the runtime.</summary>
    Compiles,

    /// <summary>Rejected with an EC error located within the mutated lines' entries.</summary>
    ClearError,

    /// <summary>An exception escaped, the generator failed (CS8784/CS8785), or it reported its own failure (EC0099).</summary>
    Crash,

    /// <summary>Rejected, but every EC error is at (1,1), away from the mutation.</summary>
    AtOrigin,

    /// <summary>Rejected, but no EC error is located within the mutated lines' entries.</summary>
    Mislocated,

    /// <summary>Accepted, and the generated code does not compile.</summary>
    NonCompiling,

    /// <summary>
    /// Accepted though it must not be (an injected member, an invalid content type, an alias, a reserved name...),
    /// or the generated class has a member the catalog does not declare.
    /// </summary>
    SilentlyAccepted,
}
