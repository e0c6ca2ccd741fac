-- bucketdns.lua: what HAProxy does for a request whose bucket its map lacks (haproxy.cfg loads it
-- with lua-load and calls http-request lua.bucketdns-route).
--
-- 1. It asks bucketdns ([haproxy] lookup, 127.0.0.1:9781 by default) where the bucket lives:
--    bucketdns answers from its catalog, or after the same on-demand RGW look-up a DNS question
--    for an unknown name gets (rate-limited, at most [catalog] miss_wait). Found: txn.zonegroup.
--    So a bucket made a moment ago at another region's gateway is routed right the first time.
-- 2. Otherwise it sets txn.region to the region the request is signed for (SigV4's credential
--    scope, in the Authorization header or a presigned URL's X-Amz-Credential); haproxy.cfg maps
--    it to a zonegroup with regions.map, so a new bucket is created where the user asked.
--    A CreateBucket (haproxy.cfg sets txn.create) skips step 1: its bucket is new by definition,
--    and asking would leave a negative answer in bucketdns's look-up cache (about half a second)
--    that would send the next requests for the bucket, unsigned or SigV2 ones included, to the
--    master's gateway, which answers them with a redirect clients cannot follow. Names that are no
--    plain bucket (RGW's tenant:bucket) are never asked about either, but still get the region.
--
-- Nothing here can fail a request: bucketdns down, slow or answering nonsense means no variable
-- is set and the request goes on, to the map's answer or the default backend, after at most
-- about BUCKETDNS_LOOKUP_TIMEOUT seconds (0.5 unless set; keep it above miss_wait).
--
-- A task says hello every 10 s, so that `bucketdns check` can tell that this script is loaded.

local lookup = os.getenv("BUCKETDNS_LOOKUP") or "127.0.0.1:9781"
local host, port = lookup:match("^%[?([^%]]+)%]?:(%d+)$")
local timeout = tonumber(os.getenv("BUCKETDNS_LOOKUP_TIMEOUT") or "") or 0.5
if not host then
    core.Alert("bucketdns.lua: BUCKETDNS_LOOKUP '" .. lookup .. "' is not host:port; bucketdns will not be asked")
end

-- One HTTP/1.0 GET to bucketdns; the first line of the body on 200, else nil.
local function ask(path)
    if not host then
        return nil
    end
    local sock = core.tcp()
    sock:settimeout(timeout)
    local reply
    if sock:connect(host, tonumber(port)) and sock:send("GET " .. path .. " HTTP/1.0\r\n\r\n") then
        reply = sock:receive("*a")
    end
    sock:close()
    if not reply then
        return nil
    end
    local status, body = reply:match("^HTTP/1%.%d (%d%d%d)[^\r\n]*\r\n.-\r\n\r\n(.*)$")
    if status ~= "200" then
        return nil
    end
    return body:match("^([^\r\n]*)")
end

-- A name that may become part of a backend name or a map key, nothing else.
local function plain(s)
    if s and #s > 0 and #s <= 64 and s:match("^[%w%-_%.]+$") then
        return s
    end
    return nil
end

local function unescape(s)
    return (s:gsub("%%(%x%x)", function(h) return string.char(tonumber(h, 16)) end))
end

-- The region of a SigV4 credential scope: AKID/DATE/REGION/SERVICE/aws4_request.
local function region_of(credential)
    return credential and plain(credential:match("^[^/]*/%d+/([^/]+)/"))
end

local function signed_region(txn)
    local auth = txn.sf:req_fhdr("authorization")
    if auth and auth:match("^AWS4%-HMAC%-SHA256 ") then
        return region_of(auth:match("Credential=([^,%s]+)"))
    end
    local query = txn.sf:query()
    if query then
        local cred = ("&" .. query):match("&[Xx]%-[Aa]mz%-[Cc]redential=([^&]+)")
        return region_of(cred and unescape(cred))
    end
    return nil
end

core.register_action("bucketdns-route", { "http-req" }, function(txn)
    local bucket = plain(txn:get_var("txn.bucket"))
    if bucket and not txn:get_var("txn.create") then
        local zonegroup = plain(ask("/zonegroup/" .. bucket))
        if zonegroup then
            txn:set_var("txn.zonegroup", zonegroup)
            return
        end
    end
    local region = signed_region(txn)
    if region then
        txn:set_var("txn.region", region)
    end
end, 0)

core.register_task(function()
    while true do
        ask("/hello")
        core.sleep(10)
    end
end)
