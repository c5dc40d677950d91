using System.Net.Http;
using RestSharp.Interceptors;
using TickStock.Core.Polygon;

namespace TickStock.Actors.Polygon;

/// <summary>
/// Takes the response body off RestSharp: reads it (already decompressed) into a pooled buffer and
/// leaves RestSharp an empty body. Otherwise RestSharp copies a ~5 MB page into a growing
/// MemoryStream, then into <c>RawBytes</c>, then decodes it into a ~10 MB <c>Content</c> string:
/// large-object-heap garbage on every page, which set the daemon's peak RSS. One instance serves
/// one request; the client takes each attempt's body with <see cref="TakeBody"/>.
/// </summary>
internal sealed class PooledBodyInterceptor(TimeSpan readTimeout) : Interceptor
{
    private PooledBody? _body;
    private string? _readError;

    /// <summary>
    /// The body of the attempt just made and why it could not be read (then the body is null).
    /// Both null when no response arrived. The caller disposes the body.
    /// </summary>
    public (PooledBody? Body, string? ReadError) TakeBody()
    {
        var taken = (_body, _readError);
        _body = null;
        _readError = null;
        return taken;
    }

    public override async ValueTask AfterHttpRequest(HttpResponseMessage responseMessage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(responseMessage);
        _body?.Dispose();
        (_body, _readError) = (null, null);

        // RestSharp calls this outside its own timeout and error handling: bound the read here and
        // turn a broken body into a retryable "network error" instead of an exception.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(readTimeout);
        var content = responseMessage.Content;
        try
        {
            var stream = await content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                // Content-Length is the wire size: only a hint, and wrong for a decompressed body.
                var hint = content.Headers.ContentEncoding.Count == 0 ? content.Headers.ContentLength : null;
                _body = await PooledBody.ReadAsync(stream, timeout.Token, hint).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _readError = $"reading the body took longer than {readTimeout.TotalSeconds:0.#}s";
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            _readError = "reading the body failed: " + ex.Message;
        }
        finally
        {
            // RestSharp reads this empty body instead of the one consumed above.
            responseMessage.Content = new ByteArrayContent([]);
            content.Dispose();
        }
    }
}
