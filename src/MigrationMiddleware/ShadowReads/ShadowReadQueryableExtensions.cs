using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using MigrationMiddleware.Internal;

namespace MigrationMiddleware.ShadowReads;

/// <summary>Opts one LINQ query into shadow reads.</summary>
public static class ShadowReadQueryableExtensions
{
    /// <summary>
    /// Runs the query like <c>ToListAsync</c> and returns the authoritative store's answer. When the unit of work's phase compares
    /// reads, the same query then runs against the other store in the background, and the two answers are compared by key and
    /// property. The comparison never delays or fails the caller.
    /// </summary>
    /// <typeparam name="TEntity">An entity type of the migration.</typeparam>
    /// <param name="query">A query over the application's context.</param>
    /// <param name="cancellationToken">A token to cancel the read.</param>
    /// <returns>The authoritative results.</returns>
    public static async Task<List<TEntity>> ToListWithShadowReadAsync<TEntity>(this IQueryable<TEntity> query, CancellationToken cancellationToken = default)
        where TEntity : class
    {
        Check.NotNull(query);
        using var capture = ShadowQueryCapture.Begin();
        var started = Stopwatch.GetTimestamp();
        var results = await query.ToListAsync(cancellationToken).ConfigureAwait(false);
        ShadowReadDispatch.AfterQuery(capture.Context, query.Expression, typeof(TEntity), results, started);
        return results;
    }

    /// <summary>
    /// Like <c>SingleOrDefaultAsync</c>, with the comparison of <see cref="ToListWithShadowReadAsync{TEntity}"/>.
    /// </summary>
    /// <typeparam name="TEntity">An entity type of the migration.</typeparam>
    /// <param name="query">A query over the application's context that returns at most one row.</param>
    /// <param name="cancellationToken">A token to cancel the read.</param>
    /// <returns>The authoritative store's row, or <see langword="null"/>.</returns>
    /// <exception cref="InvalidOperationException">The query returned more than one row.</exception>
    public static async Task<TEntity?> SingleOrDefaultWithShadowReadAsync<TEntity>(this IQueryable<TEntity> query, CancellationToken cancellationToken = default)
        where TEntity : class
    {
        Check.NotNull(query);
        var results = await query.Take(2).ToListWithShadowReadAsync(cancellationToken).ConfigureAwait(false);
        return results.Count > 1 ? throw new InvalidOperationException("The query returned more than one row.") : results.FirstOrDefault();
    }
}
