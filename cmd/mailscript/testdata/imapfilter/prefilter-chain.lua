-- Mail delivered to a "prefilter" mailbox is sorted by a chain of rules,
-- each built of contain_* searches joined by +, moved to its mailbox and
-- then taken out of what the next rule sees (msgs = msgs - matched); what
-- no rule takes goes to INBOX. A helper counts a result with pairs. The
-- sorting runs under pcall in a repeat ... until enter_idle() loop,
-- retried on errors, inside become_daemon (cut to one pass in the test).
-- The account comes from a file of its own (given by the test).
-- Modelled on paul-chambers/imapfilter-config, .imapfilter/config.lua
-- (36a528c), with the "prefilter" mailbox of the test corpus.

options.namespace = false
options.info = true

dofile('account.lua')

function count(t)
    local n = 0
    for _ in pairs(t) do n = n + 1 end
    return n
end

function sort_mail(msgs)
    print("start " .. count(msgs))

    local career = msgs:contain_to('jobs@home.example')
        + msgs:contain_from('linkedin.com')
    career:move_messages(home.Career)
    msgs = msgs - career
    print("career " .. count(msgs))

    local money = msgs:contain_from('paypal.com')
        + msgs:contain_from('bank.example')
        + msgs:contain_from('card.example')
    money:move_messages(home.Finance)
    msgs = msgs - money
    print("finance " .. count(msgs))

    local shipping = msgs:contain_subject('shipped')
        + msgs:contain_from('shipment')
        + msgs:contain_from('ups.com')
        + msgs:contain_from('fedex.com')
    shipping:move_messages(home.Shipping)
    msgs = msgs - shipping
    print("shipping " .. count(msgs))

    local social = msgs:contain_from('twitter.com')
        + msgs:contain_from('facebook.com')
        + msgs:contain_from('meetup.com')
    social:move_messages(home.Social)
    msgs = msgs - social
    print("social " .. count(msgs))

    local bulk = msgs:contain_from('noreply')
        + msgs:contain_from('no-reply')
        + msgs:contain_from('news')
        + msgs:contain_from('info')
        + msgs:contain_from('deals')
    bulk:move_messages(home.Bulk)
    msgs = msgs - bulk
    print("bulk " .. count(msgs))

    msgs:move_messages(home.INBOX)
end

function check_mail()
    -- errors are caught by pcall, and the loop starts again
    while not pcall(
        function ()
            repeat
                local msgs = home.prefilter:select_all()
                sort_mail(msgs)
            until home.prefilter:enter_idle()
        end
    ) do
        -- an error: go round again
    end
end

become_daemon(60, check_mail)
