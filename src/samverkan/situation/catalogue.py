"""The starter catalogue of indicators: what Swedish agreements measure their lägesbild by.

Sources named in real agreements (DOMAIN.md): reported crime (Brå, Polisen), the national
crime survey (NTU), municipal safety surveys, EST reports, citizen dialogues, school and
social services, the rescue service, business surveys. Coordinators add more.
"""


def _indicator(code, name_sv, name_en, unit, source_kind, higher_is_better, description=""):
    return {"code": code, "name_sv": name_sv, "name_en": name_en, "unit": unit,
            "source_kind": source_kind, "higher_is_better": higher_is_better,
            "description": description}


STARTER = [
    _indicator("anmalda_brott", "Anmälda brott", "Reported offences", "st",
               "reported_crime", False, "Samtliga anmälda brott i området (Polisen, Brå)."),
    _indicator("anmald_skadegorelse", "Anmäld skadegörelse", "Reported criminal damage", "st",
               "reported_crime", False, "Anmälda skadegörelsebrott, inklusive klotter."),
    _indicator("anmalda_valdsbrott", "Anmälda våldsbrott", "Reported violent offences", "st",
               "reported_crime", False, "Misshandel, rån och grov kvinnofridskränkning."),
    _indicator("anmalda_narkotikabrott", "Anmälda narkotikabrott", "Reported drug offences",
               "st", "reported_crime", False),
    _indicator("ntu_otrygghet_kvall", "Otrygg ute sent på kvällen (NTU)",
               "Unsafe outdoors late in the evening (NTU)", "%", "ntu", False,
               "Andel som känner sig mycket eller ganska otrygga (Nationella "
               "trygghetsundersökningen)."),
    _indicator("ntu_utsatthet", "Utsatthet för brott mot person (NTU)",
               "Victims of offences against the person (NTU)", "%", "ntu", False),
    _indicator("trygghet_centrum", "Trygghet i centrum kvällstid",
               "Feeling safe in the centre in the evening", "%", "safety_survey", True,
               "Kommunens trygghetsmätning: andel som känner sig trygga."),
    _indicator("trygghetsindex", "Trygghetsindex", "Safety index", "index", "safety_survey",
               True, "Kommunens sammanvägda trygghetsindex (0–10)."),
    _indicator("est_skadegorelse", "Skadegörelse enligt EST", "Criminal damage reported to EST",
               "st", "est_report", False, "Antal skadegörelsehändelser i EST-gruppens veckorapporter."),
    _indicator("est_otrygga_platser", "Otrygga platser enligt EST",
               "Unsafe places reported to EST", "st", "est_report", False),
    _indicator("dialog_deltagare", "Deltagare i medborgardialoger",
               "Participants in citizen dialogues", "st", "citizen_dialogue", True),
    _indicator("orosanmalningar_unga", "Orosanmälningar om unga", "Child welfare reports on young people",
               "st", "school_social_services", False, "Socialtjänstens orosanmälningar (SSPF)."),
    _indicator("skolfranvaro", "Problematisk skolfrånvaro", "Problematic school absence", "%",
               "school_social_services", False),
    _indicator("anlagda_brander", "Anlagda bränder", "Arson", "st", "rescue_service", False,
               "Räddningstjänstens insatser vid anlagd brand."),
    _indicator("brand_i_skola", "Bränder i skolmiljö", "Fires in schools", "st",
               "rescue_service", False),
    _indicator("naringsliv_utsatthet", "Företag utsatta för brott",
               "Businesses that were victims of crime", "%", "business_survey", False),
]
