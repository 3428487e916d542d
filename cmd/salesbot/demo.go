package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"salesbot"
	"salesbot/store"
)

// The demo's people besides the console's own user.
const (
	demoRepA    = "U0WANGFANG"
	demoRepB    = "U0TOMREED"
	demoRepC    = "U0LIUYANG"
	demoManager = "U0SARAHLIN"
)

// demoNames is the console's users.info: the names Slack would give the
// demo's people.
var demoNames = map[string]string{
	demoRepA:    "Wang Fang",
	demoRepB:    "Tom Reed",
	demoRepC:    "Liu Yang",
	demoManager: "Sarah Lin",
}

// demoName is a user's display name, or "" for someone the console does not
// know.
func demoName(user string) string { return demoNames[user] }

// errDemoSkip stops the steps of a sample lead that is there already.
var errDemoSkip = errors.New("sample lead exists")

// loadDemo writes a dozen sample leads into team, a few of them the
// console user's, with their history, people, visits and deals (value,
// expected close, forecast category) at dates around now, makes
// demoManager a manager, and sets this quarter's targets. Everything goes
// through the domain and the store, as the bot itself would write it.
// Leads that are there already are left alone (and the targets too); it
// returns how many it wrote.
func loadDemo(ctx context.Context, st *store.Store, team, user string, cadence salesbot.Cadence, loc *time.Location, now time.Time) (int, error) {
	if err := st.AddManager(ctx, team, demoManager); err != nil {
		return 0, err
	}
	today := salesbot.DateOf(now.In(loc))
	d := demo{
		ctx: ctx, st: st, team: team, cadence: cadence, loc: loc, now: now, today: today,
		quarter: salesbot.QuarterOf(today), boss: salesbot.Actor{User: demoManager, Manager: true},
	}
	// The console user's own leads: one overdue, one due today, a next step
	// soon, one quiet D, one at quote.
	d.yourActiveLeads(user)
	d.yourOtherLeads(user)
	d.wangFangLeads()
	d.otherRepsLeads()
	if d.created > 0 {
		d.targets(user)
	}
	return d.created, d.err
}

// demoTargets are this quarter's targets: the reps' add up to more than
// the team's, as managers hand them out.
var demoTargets = []struct{ rep, amount string }{
	{"", "1200万"}, {demoRepA, "300万"}, {demoRepB, "400万"}, {demoRepC, "150万"},
}

// targets sets this quarter's targets of the team, its reps and the console
// user, as the manager would with /salesbot target.
func (d *demo) targets(user string) {
	set := func(rep, amount string) {
		if d.err != nil {
			return
		}
		a, err := salesbot.ParseAmount(amount, demoCurrency)
		if err == nil {
			err = d.st.SetTarget(d.ctx, d.team, salesbot.Target{Rep: rep, Period: d.quarter, Amount: a, By: demoManager, At: d.now})
		}
		if err != nil {
			d.err = fmt.Errorf("sample target of %q: %w", rep, err)
		}
	}
	for _, t := range demoTargets {
		set(t.rep, t.amount)
	}
	set(user, "500万")
}

// yourActiveLeads writes two of the console user's leads, at demo and in
// discovery.
func (d *demo) yourActiveLeads(user string) {
	l := d.lead("上海明达机械有限公司", user, salesbot.GradeC, 75)
	l.visit(62, salesbot.KindVisit, "First visit with 王总: two plants, scheduling on paper and Excel.", "", 0)
	l.stage(62, salesbot.StageFirstVisit)
	l.regrade(40, salesbot.GradeB, "new plant approved for next year")
	l.fact(40, salesbot.FactNeed, "MES and ERP for both plants; shop-floor scheduling first")
	l.stage(35, salesbot.StageDiscovery)
	l.person(35, "王建国", demoEB, demoHigh, 2, "总经理; wants the new plant live before the customer audit")
	l.person(35, "李娜", demoTB, demoHigh, -2, "IT经理; prefers the incumbent's MES")
	l.person(35, "赵磊", demoUser, demoLow, 1, "")
	l.person(30, "陈静", demoCoach, demoMedium, 3, "采购主管; tells us what the others say")
	l.regrade(21, salesbot.GradeA, "vendor selection starts next month")
	l.fact(21, salesbot.FactSchedule, "selection next month, contract by the end of the quarter")
	l.fact(21, salesbot.FactBudget, "¥1.8M for software and services")
	l.fact(21, salesbot.FactDecision, "王建国 decides; the group's IT office must sign off")
	l.value(21, "180万")
	l.closeBy(21, d.thisQuarter(0))
	l.visit(14, salesbot.KindDemo, "MES demo for the plant team; 李娜 asked hard questions about SAP integration.", "", 0, "王建国", "李娜", "赵磊", "陈静")
	l.stage(14, salesbot.StageDemo)
	l.visit(9, salesbot.KindCall, "Called 陈静: the board approved the budget.", "", 0, "陈静")
	l.category(9, salesbot.CategoryBest)

	l = d.lead("Acme Industrial Co., Ltd.", user, salesbot.GradeB, 50)
	l.visit(44, salesbot.KindVisit, "First visit: three sites, an ERP from 2009 that nobody dares to touch.", "", 0)
	l.stage(44, salesbot.StageFirstVisit)
	l.person(44, "John Miller", demoEB, demoHigh, 0, "CEO; has not said yes or no")
	l.person(44, "Priya Shah", demoTB, demoMedium, 1, "IT director")
	l.fact(44, salesbot.FactNeed, "replace the 2009 ERP; inventory across three sites")
	l.visit(28, salesbot.KindCall, "Call with Priya: they want a demo after the summer.", "", 0)
	l.stage(28, salesbot.StageDiscovery)
	l.person(20, "Dave Ortiz", demoUser, demoLow, -1, "warehouse lead; fears the change")
	l.fact(20, salesbot.FactBudget, "about $400k, not approved yet")
	l.value(20, "$400k")
	l.visit(14, salesbot.KindVisit, "Plant tour; the CFO joined for ten minutes.", "", 0, "John Miller", "Priya Shah")
	l.closeBy(14, d.nextQuarter(10))
}

// yourOtherLeads writes the console user's other leads: a first visit with
// a next step soon, a quiet D, and one at quote.
func (d *demo) yourOtherLeads(user string) {
	l := d.lead("深圳华远电子股份有限公司", user, salesbot.GradeC, 20)
	l.visit(5, salesbot.KindVisit, "First visit: they run an old Kingdee system and outgrew it.", "bring the 东莞 reference customer", 10)
	l.stage(5, salesbot.StageFirstVisit)
	l.person(5, "黄志强", demoEB, demoHigh, -1, "副总; thinks the old system is good enough")
	l.person(5, "孙丽", demoCoordinator, demoLow, 2, "")
	l.regrade(5, salesbot.GradeB, "group-wide rollout for six plants; the board decides within six months")
	l.value(5, "1.2亿")
	l.closeBy(5, d.nextQuarter(0))

	l = d.lead("北京新创软件有限公司", user, salesbot.GradeD, 120)
	l.visit(40, salesbot.KindCall, "They just signed a two-year contract with a competitor.", "", 0)
	l.person(40, "周涛", demoEB, demoHigh, -3, "signed with the rival; praises them")
	l.person(40, "吴敏", demoUser, demoLow, 0, "")
	l.fact(40, salesbot.FactCompetition, "signed with a rival in March for two years")
	l.value(40, "30万")
	l.category(40, salesbot.CategoryOmit)

	l = d.lead("Nordwind Logistics GmbH", user, salesbot.GradeB, 90)
	l.visit(80, salesbot.KindVisit, "First visit in Hamburg: fleet planning in spreadsheets.", "", 0)
	l.stage(80, salesbot.StageFirstVisit)
	l.person(80, "Klaus Becker", demoEB, demoHigh, 1, "COO; signs anything above €100k")
	l.person(80, "Jonas Weber", demoCoordinator, demoLow, 2, "project manager")
	l.stage(65, salesbot.StageDiscovery)
	l.person(65, "Anna Schmidt", demoTB, demoHigh, -3, "IT lead; wants to build it in-house")
	l.regrade(60, salesbot.GradeA, "tender opens next month")
	l.visit(50, salesbot.KindDemo, "Demo of route planning; Klaus liked the savings report.", "", 0)
	l.stage(50, salesbot.StageDemo)
	l.person(50, "Mia Braun", demoCoach, demoMedium, 2, "head of dispatch; wants us")
	l.fact(50, salesbot.FactSchedule, "tender in two weeks, decision within the quarter")
	l.fact(50, salesbot.FactBudget, "€350k over three years")
	l.fact(50, salesbot.FactNeed, "route and fleet planning for 140 trucks")
	l.fact(50, salesbot.FactDecision, "Klaus Becker decides with the board; IT has a veto on hosting")
	l.fact(50, salesbot.FactCompetition, "an in-house build (Anna) and one SaaS vendor")
	l.fact(50, salesbot.FactCriteria, "fuel savings proven in a pilot; hosting in the EU")
	l.value(50, "270万") // the €350k, in the team's currency
	l.closeBy(50, d.thisQuarter(14))
	l.stage(20, salesbot.StageQuote)
	l.category(20, salesbot.CategoryCommit)
	l.visit(3, salesbot.KindCall, "Klaus wants a pilot clause in the quote.", "call Klaus about the pilot clause", 1)
}

// wangFangLeads writes Wang Fang's leads: one in objections, one in
// negotiation, one lost.
func (d *demo) wangFangLeads() {
	l := d.lead("Blue Harbor Foods Inc.", demoRepA, salesbot.GradeB, 100)
	l.visit(90, salesbot.KindVisit, "First visit at their Boston plant.", "", 0)
	l.stage(90, salesbot.StageObjections)
	l.person(90, "Maria Gonzalez", demoEB, demoHigh, 2, "VP operations")
	l.person(60, "Kevin O'Brien", demoTB, demoMedium, -2, "thinks we are too expensive")
	l.person(60, "Lisa Chen", demoUser, demoLow, 1, "")
	l.visit(30, salesbot.KindDemo, "Demo for the quality team.", "", 0)
	l.value(30, "150万")
	l.closeBy(30, d.nextQuarter(20))
	l.visit(16, salesbot.KindVisit, "Answered Kevin's questions on the total cost.", "", 0)
	l.closeBy(16, d.thisQuarter(3)) // sooner: Maria wants to sign within her budget year

	l = d.lead("杭州绿源食品有限公司", demoRepA, salesbot.GradeA, 70)
	l.visit(60, salesbot.KindVisit, "初访：three factories, food-safety traceability is the pain.", "", 0)
	l.stage(30, salesbot.StageNegotiation)
	l.person(60, "郑伟", demoEB, demoHigh, 3, "董事长")
	l.person(60, "何静", demoTB, demoMedium, 1, "")
	l.person(40, "林峰", demoUser, demoLow, -1, "")
	l.person(40, "马超", demoCoach, demoLow, 2, "")
	l.fact(40, salesbot.FactBudget, "¥2.5M approved")
	l.value(40, "250万")
	l.closeBy(30, d.thisQuarter(10))
	l.visit(1, salesbot.KindVisit, "Negotiation: they accept the price if training is included.", "send the final contract draft", 5)
	l.category(1, salesbot.CategoryCommit)

	l = d.lead("成都天府物流有限公司", demoRepA, salesbot.GradeC, 80)
	l.visit(70, salesbot.KindCall, "Intro call with their IT manager.", "", 0)
	l.person(70, "杨帆", demoTB, demoMedium, -1, "")
	l.person(70, "高翔", demoEB, demoHigh, 0, "")
	l.lose(10, "chose an in-house build")
}

// otherRepsLeads writes Tom Reed's and Liu Yang's leads, one of them won.
func (d *demo) otherRepsLeads() {
	// Tom Reed's.
	l := d.lead("Pacific Rim Trading Ltd.", demoRepB, salesbot.GradeB, 45)
	l.visit(30, salesbot.KindVisit, "First visit in Singapore.", "", 0)
	l.stage(20, salesbot.StageDemo)
	l.person(30, "Daniel Tan", demoEB, demoHigh, 1, "")
	l.person(30, "Grace Lim", demoTB, demoMedium, 0, "")
	l.person(20, "Ravi Kumar", demoUser, demoLow, -2, "likes the current tool")
	l.value(20, "95万")
	l.closeBy(20, d.thisQuarter(5))
	l.visit(10, salesbot.KindDemo, "Demo for the trading desk.", "send the case study", -3)
	l.category(10, salesbot.CategoryBest)
	l.closeBy(3, d.nextQuarter(15)) // a slip: their budget moved to next quarter

	l = d.lead("广州南方纺织有限公司", demoRepB, salesbot.GradeA, 150)
	l.visit(120, salesbot.KindVisit, "First visit.", "", 0)
	l.stage(60, salesbot.StageNegotiation)
	l.person(120, "梁永康", demoEB, demoHigh, 3, "")
	l.person(90, "罗晓燕", demoCoordinator, demoMedium, 2, "")
	won := d.wonAgo()
	l.value(60, "320万")
	l.closeBy(60, d.today.AddDays(-won))
	l.category(30, salesbot.CategoryCommit)
	l.win(won)

	// Liu Yang's.
	l = d.lead("Maple Leaf Dental Supply Inc.", demoRepC, salesbot.GradeC, 60)
	l.visit(45, salesbot.KindVisit, "First visit in Toronto.", "", 0)
	l.stage(45, salesbot.StageFirstVisit)
	l.visit(31, salesbot.KindCall, "They will decide next year.", "", 0)
	l.stage(31, salesbot.StageDiscovery)
	l.value(31, "60万")
	l.closeBy(31, d.today.AddDays(240)) // next year, as a C
	l.person(45, "Emma Roy", demoEB, demoMedium, 1, "")
	l.person(45, "Noah Martin", demoUser, demoLow, -3, "")

	l = d.lead("苏州精工模具有限公司", demoRepC, salesbot.GradeB, 15)
	l.visit(2, salesbot.KindVisit, "初访：mould shop with 200 people, wants costing per job.", "", 0)
	l.stage(2, salesbot.StageFirstVisit)
	l.person(2, "钱建华", demoEB, demoHigh, 1, "")
	l.person(2, "许婷", demoCoach, demoLow, 3, "")
	l.person(2, "冯军", demoTB, demoMedium, 0, "")
	l.value(2, "38万")
	l.closeBy(2, d.nextQuarter(5))
}

// Short names for the demo's stakeholders.
const (
	demoEB, demoTB, demoUser      = salesbot.RoleEconomicBuyer, salesbot.RoleTechnicalBuyer, salesbot.RoleUser
	demoCoordinator, demoCoach    = salesbot.RoleCoordinator, salesbot.RoleCoach
	demoHigh, demoMedium, demoLow = salesbot.InfluenceHigh, salesbot.InfluenceMedium, salesbot.InfluenceLow
)

// demo writes sample leads; the first error stops every later step.
type demo struct {
	ctx     context.Context
	st      *store.Store
	team    string
	cadence salesbot.Cadence
	loc     *time.Location
	now     time.Time
	today   salesbot.Date
	quarter salesbot.SalesPeriod // today's: the deals' close dates and the targets fall around it
	boss    salesbot.Actor       // approves moves to quote
	created int
	err     error
}

// demoLead is one sample lead being written, step by step in the order
// they happened.
type demoLead struct {
	d     *demo
	id    string
	owner salesbot.Actor
	at    time.Time // when the last step happened
	err   error
}

// demoSources are where the sample leads came from, one picked by the
// company's name, so that the report's By source section has rows.
var demoSources = []salesbot.Source{
	salesbot.SourceEvent, salesbot.SourceReferral, salesbot.SourceWeb, salesbot.SourceInbound, salesbot.SourcePhone, salesbot.SourceRelationship,
}

// lead registers company for owner, daysAgo days ago, from one of
// demoSources.
func (d *demo) lead(company, owner string, grade salesbot.Grade, daysAgo int) *demoLead {
	l := &demoLead{d: d, owner: salesbot.Actor{User: owner}}
	if d.err != nil {
		l.err = d.err
		return l
	}
	t := l.when(daysAgo)
	source := demoSources[len(company)%len(demoSources)]
	lead, c, err := salesbot.NewLeadFrom(l.owner, d.team, "", company, grade, source, t)
	if err != nil {
		l.fail(err)
		return l
	}
	lead.Schedule(d.cadence)
	existing, err := d.st.CreateLead(d.ctx, lead, c)
	switch {
	case existing != nil && salesbot.ErrorCode(err) == salesbot.ECONFLICT:
		l.err = errDemoSkip
	case err != nil:
		l.fail(err)
	default:
		l.id = lead.ID
		d.created++
	}
	return l
}

func (l *demoLead) fail(err error) {
	l.err = err
	if l.d.err == nil {
		l.d.err = err
	}
}

// when is the moment of a step daysAgo days before today, in working hours
// and after the lead's previous step, but never after now.
func (l *demoLead) when(daysAgo int) time.Time {
	t := l.d.today.AddDays(-daysAgo).In(l.d.loc).Add(10 * time.Hour)
	if !l.at.IsZero() && !t.After(l.at) {
		t = l.at.Add(time.Minute)
	}
	if t.After(l.d.now) {
		t = l.d.now
	}
	l.at = t
	return t
}

// step applies one change daysAgo days ago, as the bot's handlers do:
// through UpdateLead, with the next touch rescheduled.
func (l *demoLead) step(daysAgo int, fn func(lead *salesbot.Lead, at time.Time) (salesbot.Update, error)) {
	if l.err != nil {
		return
	}
	t := l.when(daysAgo)
	_, err := l.d.st.UpdateLead(l.d.ctx, l.d.team, l.id, func(lead *salesbot.Lead) (salesbot.Update, error) {
		u, err := fn(lead, t)
		if err != nil {
			return u, err
		}
		lead.Schedule(l.d.cadence)
		return u, nil
	})
	if err != nil {
		l.fail(fmt.Errorf("sample lead %s: %w", l.id, err))
	}
}

func one(c salesbot.Change, err error) (salesbot.Update, error) {
	return salesbot.Update{Changes: []salesbot.Change{c}}, err
}

func (l *demoLead) regrade(daysAgo int, g salesbot.Grade, reason string) {
	l.step(daysAgo, func(lead *salesbot.Lead, at time.Time) (salesbot.Update, error) {
		return one(lead.Regrade(l.owner, g, reason, at))
	})
}

// stage moves the lead on one stage at a time up to to, as its owner; the
// manager approves the move to quote, as the bot asks.
func (l *demoLead) stage(daysAgo int, to salesbot.Stage) {
	if l.err != nil {
		return
	}
	lead, err := l.d.st.Lead(l.d.ctx, l.d.team, l.id)
	if err != nil {
		l.fail(err)
		return
	}
	for i := lead.Stage.Index() + 1; i >= 1 && i <= to.Index(); i++ {
		next, by := salesbot.Stages[i], l.owner
		if next == salesbot.StageQuote {
			by = l.d.boss
		}
		l.step(daysAgo, func(lead *salesbot.Lead, at time.Time) (salesbot.Update, error) {
			return one(lead.MoveStage(by, next, at))
		})
	}
}

func (l *demoLead) fact(daysAgo int, k salesbot.KeyFact, text string) {
	l.step(daysAgo, func(lead *salesbot.Lead, at time.Time) (salesbot.Update, error) {
		return one(lead.SetFact(l.owner, k, text, at))
	})
}

func (l *demoLead) person(daysAgo int, name string, role salesbot.Role, influence salesbot.Influence, support int, notes string) {
	s := salesbot.Stakeholder{Name: name, Role: role, Influence: influence, Support: salesbot.Support(support), Notes: notes}
	l.step(daysAgo, func(lead *salesbot.Lead, at time.Time) (salesbot.Update, error) {
		return one(lead.SetStakeholder(l.owner, s, at))
	})
}

// visit logs a touch daysAgo days ago, with the people met; a next step,
// when given, is due nextIn days from today (negative: it is overdue).
func (l *demoLead) visit(daysAgo int, kind salesbot.VisitKind, notes, next string, nextIn int, met ...string) {
	l.step(daysAgo, func(lead *salesbot.Lead, at time.Time) (salesbot.Update, error) {
		v := salesbot.Visit{Date: salesbot.DateOf(at.In(l.d.loc)), Kind: kind, Notes: notes, NextStep: next, Met: met}
		if next != "" {
			v.NextDate = l.d.today.AddDays(nextIn)
		}
		c, err := lead.RecordVisit(l.owner, &v, l.d.loc, at)
		return salesbot.Update{Changes: []salesbot.Change{c}, Visit: &v}, err
	})
}

// demoCurrency is the currency the demo's amounts without a symbol are in.
const demoCurrency salesbot.Currency = "CNY"

// thisQuarter is the day daysBefore days before the end of this quarter,
// but not before today: a deal expected this quarter has not passed.
func (d *demo) thisQuarter(daysBefore int) salesbot.Date {
	if day := d.quarter.Last().AddDays(-daysBefore); day.After(d.today) {
		return day
	}
	return d.today
}

// nextQuarter is the day daysBefore days before the end of next quarter.
func (d *demo) nextQuarter(daysBefore int) salesbot.Date {
	return d.quarter.Next().Last().AddDays(-daysBefore)
}

// wonAgo is how many days ago the demo's won deal was signed: five, or
// fewer early in a quarter, so that it counts in this quarter's forecast.
func (d *demo) wonAgo() int {
	since := int(d.today.In(time.UTC).Sub(d.quarter.First().In(time.UTC)) / salesbot.Day)
	return min(5, since)
}

// value records the deal's expected value, written as a rep types it.
func (l *demoLead) value(daysAgo int, amount string) {
	v, err := salesbot.ParseAmount(amount, demoCurrency)
	if err != nil {
		l.fail(fmt.Errorf("sample value %q: %w", amount, err))
		return
	}
	l.step(daysAgo, func(lead *salesbot.Lead, at time.Time) (salesbot.Update, error) {
		return one(lead.SetValue(l.owner, v, at))
	})
}

// closeBy sets the expected close; a later day than the one set is a slip.
func (l *demoLead) closeBy(daysAgo int, day salesbot.Date) {
	l.step(daysAgo, func(lead *salesbot.Lead, at time.Time) (salesbot.Update, error) {
		c, _, err := lead.SetCloseBy(l.owner, day, at)
		return one(c, err)
	})
}

func (l *demoLead) category(daysAgo int, c salesbot.Category) {
	l.step(daysAgo, func(lead *salesbot.Lead, at time.Time) (salesbot.Update, error) {
		return one(lead.SetCategory(l.owner, c, at))
	})
}

func (l *demoLead) win(daysAgo int) {
	l.step(daysAgo, func(lead *salesbot.Lead, at time.Time) (salesbot.Update, error) {
		return one(lead.Win(l.owner, at))
	})
}

func (l *demoLead) lose(daysAgo int, reason string) {
	l.step(daysAgo, func(lead *salesbot.Lead, at time.Time) (salesbot.Update, error) {
		return one(lead.Lose(l.owner, reason, at))
	})
}
