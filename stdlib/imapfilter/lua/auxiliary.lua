-- imapfilter compatibility: auxiliary functions.
local IF = ...
local core = IF.core

function form_date(days)
    IF.check_required(days, 'number')
    return os.date('%d-%b-%Y', os.time() - days * 60 * 60 * 24)
end

function get_pass(prompt)
    IF.check_optional(prompt, 'string')
    return core.getpass(prompt or 'Enter password: ')
end
get_password = get_pass

function pipe_to(command, data)
    IF.check_required(command, 'string')
    IF.check_required(data, 'string')
    return core.pipe_to(command, data)
end

function pipe_from(command)
    IF.check_required(command, 'string')
    return core.pipe_from(command)
end

-- regex_search(pattern, subject) -> match, captures... | false
function regex_search(pattern, subject)
    IF.check_required(pattern, 'string')
    IF.check_required(subject, 'string')
    return core.regex(pattern, subject)
end
IF.regex_search = regex_search

function sleep(seconds)
    IF.check_required(seconds, 'number')
    return core.sleep(seconds)
end

-- recover(commands, retries): calls commands until it succeeds, waiting
-- 2, 4, 8... (at most 60) seconds between attempts; after retries
-- failures it gives up. It returns what pcall returned. As imapfilter
-- 2.8.1's, it keeps its count of attempts in the global count, and once
-- retries attempts have failed it returns at the next failure only: a
-- call that succeeds then is made again (recover(f, 0) calls f until it
-- fails).
function recover(commands, retries)
    IF.check_required(commands, 'function')
    IF.check_optional(retries, 'number')
    count = 0
    while true do
        local r = table.pack(pcall(commands))
        if retries == nil or count < retries then
            if r[1] then return table.unpack(r, 1, r.n) end
        elseif not r[1] then
            return table.unpack(r, 1, r.n)
        end
        count = count + 1
        core.sleep(math.min(2 ^ count, 60))
    end
end

-- become_daemon(interval, commands): runs commands now, then every
-- interval seconds, as a schedule of the engine: the process stays in the
-- foreground, stops on SIGTERM or Ctrl-C, and logs each run. A pass that
-- fails ends the run with exit status 2, as an error ends imapfilter's
-- daemon (recover() around the commands keeps it going).
function become_daemon(interval, commands, nochdir, noclose)
    IF.check_required(interval, 'number')
    IF.check_required(commands, 'function')
    IF.check_optional(nochdir, 'boolean')
    IF.check_optional(noclose, 'boolean')
    core.daemon(interval)
    local pass = commands
    -- Each pass ends with the expunge of what it moved or deleted.
    commands = function()
        local ok, err = pcall(pass)
        core.flush()
        if not ok then error(err, 0) end
    end
    commands()
    local ok, engine = pcall(require, 'engine')
    if not ok then
        repeat
            core.sleep(interval)
            commands()
        until false
    end
    engine.every(math.max(interval, 1), function()
        local ok, err = pcall(commands)
        if not ok then core.daemon_failed(err) end
    end)
end
