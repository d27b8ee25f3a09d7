using System.Collections.Concurrent;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Query;

namespace MigrationMiddleware.ShadowReads;

/// <summary>
/// Runs an application's LINQ query against another context of the same model: every entity query root is rebuilt for the
/// other context's model and query provider. It runs with tracking when shadow values must be compared, untracked otherwise.
/// The query's captured values stay parameters, so EF translates it for the other engine as for the first.
/// </summary>
internal static class QueryRebaser
{
    private static readonly ConcurrentDictionary<Type, Func<DbContext, Expression, bool, CancellationToken, Task<List<object>>>> Runners = new();

    public static Task<List<object>> ExecuteAsync(DbContext target, Type elementType, Expression expression, bool tracking, CancellationToken cancellationToken)
    {
        var runner = Runners.GetOrAdd(elementType, static type =>
            typeof(QueryRebaser).GetMethod(nameof(RunAsync), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                .MakeGenericMethod(type)
                .CreateDelegate<Func<DbContext, Expression, bool, CancellationToken, Task<List<object>>>>());
        return runner(target, expression, tracking, cancellationToken);
    }

    /// <summary>Gets whether a query can be run elsewhere: its roots are plain entity sets (not raw SQL or functions).</summary>
    public static bool CanRebase(Expression expression)
    {
        var finder = new RootFinder();
        finder.Visit(expression);
        return finder.Roots > 0 && !finder.HasOtherRoots;
    }

    private static async Task<List<object>> RunAsync<TEntity>(DbContext target, Expression expression, bool tracking, CancellationToken cancellationToken)
        where TEntity : class
    {
        var provider = target.GetService<IAsyncQueryProvider>();
        var rebased = new RootRebaser(target.Model, provider).Visit(expression);
        var query = provider.CreateQuery<TEntity>(rebased);
        var results = await (tracking ? query.AsTracking() : query.AsNoTracking()).ToListAsync(cancellationToken).ConfigureAwait(false);
        return results.ConvertAll(static r => (object)r);
    }

    private sealed class RootRebaser(IModel model, IAsyncQueryProvider provider) : ExpressionVisitor
    {
        protected override Expression VisitExtension(Expression node) =>
            node is EntityQueryRootExpression root && node.GetType() == typeof(EntityQueryRootExpression)
                ? new EntityQueryRootExpression(provider, model.FindEntityType(root.EntityType.Name)
                    ?? throw new InvalidOperationException($"The other store's model has no entity type '{root.EntityType.Name}'."))
                : base.VisitExtension(node);
    }

    private sealed class RootFinder : ExpressionVisitor
    {
        public int Roots { get; private set; }

        public bool HasOtherRoots { get; private set; }

        protected override Expression VisitExtension(Expression node)
        {
            if (node is QueryRootExpression)
            {
                if (node.GetType() == typeof(EntityQueryRootExpression))
                {
                    Roots++;
                }
                else
                {
                    HasOtherRoots = true;
                }

                return node;
            }

            return base.VisitExtension(node);
        }
    }
}
