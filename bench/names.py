"""Made-up people for the benchmarks' data: common Swedish first and last
names, and Skatteverket's published test personnummer (the only ones test
data may use). Imported by the benchmarks' generators (PYTHONPATH=bench)."""

FIRST = """Alva Elsa Maja Astrid Wilma Vera Ebba Alice Olivia Saga Selma Freja
    Agnes Ella Lilly Stella Alma Signe Ines Nora Leah Tyra Ellen Sara Amira
    Yasmin Fatima Hanna Ida Klara Noah William Hugo Liam Lucas Oliver Elias
    Adam Alexander Oscar Vincent Nils Leo Viktor Ali Omar Mohammed Ibrahim
    Yusuf Theo Isak Axel Emil Filip Arvid Sixten Malte Mio Otto""".split()
LAST = """Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson
    Svensson Gustafsson Pettersson Jonsson Hansson Bengtsson Lindberg
    Lindqvist Berg Lundgren Sandberg Ek Holm Nyström Åberg Öberg Hassan Ahmed
    Nguyen Kowalski Rahimi Yilmaz Mäkinen Sjöberg""".split()


def test_pnrs(path):
    """The 12-digit test personnummer in path (tests/data/testpersonnummer.txt)."""
    with open(path) as f:
        return [x.strip() for x in f if not x.startswith("#") and x.strip()]
